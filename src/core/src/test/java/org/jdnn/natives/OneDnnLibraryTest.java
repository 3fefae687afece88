package org.jdnn.natives;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How oneDNN is found, extracted and loaded, and what a failure says. */
class OneDnnLibraryTest {

    private static final ClassLoader LOADER = OneDnnLibraryTest.class.getClassLoader();

    @Test
    void classPathLibrariesAreExtractedIntoAVersionedCacheDirectory(@TempDir Path cache) throws Exception {
        OneDnnLibrary.Location location = OneDnnLibrary.locate(null, cache, LOADER);

        assertTrue(location.dnnl().startsWith(cache.resolve("native")), location.toString());
        assertTrue(location.dnnl().getParent().getFileName().toString().matches("dnnl-3\\.13-.*-" + NativePlatform.current().classifier()),
                location.toString());
        assertEquals(resourceSize(OneDnnLibrary.DNNL_FILE), Files.size(location.dnnl()));
        assertEquals(resourceSize(OneDnnLibrary.GOMP_FILE), Files.size(location.gomp()));
        assertTrue(location.origin().startsWith("class path"), location.origin());
    }

    @Test
    void secondLocateReusesTheExtractedFiles(@TempDir Path cache) throws Exception {
        Path first = OneDnnLibrary.locate(null, cache, LOADER).gomp();
        long modified = Files.getLastModifiedTime(first).toMillis();
        Thread.sleep(20);
        Path second = OneDnnLibrary.locate(null, cache, LOADER).gomp();
        assertEquals(first, second);
        assertEquals(modified, Files.getLastModifiedTime(second).toMillis(), "file was rewritten");
    }

    @Test
    void concurrentExtractionsAllSeeTheWholeFile(@TempDir Path cache) throws Exception {
        URL resource = LOADER.getResource(NativePlatform.current().resourceDirectory() + OneDnnLibrary.GOMP_FILE);
        long expected = resourceSize(OneDnnLibrary.GOMP_FILE);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> sizes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Long> extract = () -> {
                    start.await();
                    return Files.size(LibraryExtractor.extract(resource, cache, OneDnnLibrary.GOMP_FILE));
                };
                sizes.add(pool.submit(extract));
            }
            start.countDown();
            for (Future<Long> size : sizes) {
                assertEquals(expected, size.get());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(cache.resolve(OneDnnLibrary.GOMP_FILE)), files.toList(), "temporary files left behind");
        }
    }

    @Test
    void overrideDirectoryIsUsedAsIs(@TempDir Path dir) throws Exception {
        OneDnnLibrary.Location extracted = OneDnnLibrary.load();
        Files.createSymbolicLink(dir.resolve(OneDnnLibrary.DNNL_FILE), extracted.dnnl());

        OneDnnLibrary.Location location = OneDnnLibrary.locate(dir.toString(), Path.of("/nonexistent"), LOADER);

        assertEquals(dir.resolve(OneDnnLibrary.DNNL_FILE), location.dnnl());
        assertNull(location.gomp(), "no libgomp in the override directory: the system's is used");
        assertTrue(location.origin().contains("override directory " + dir), location.origin());
        LibC.dlopenGlobal(location.dnnl().toString()); // the same file: loads without error
    }

    @Test
    void overrideDirectoryWithoutTheLibraryNamesTheDirectoryAndTheSetting(@TempDir Path dir) {
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> OneDnnLibrary.locate(dir.toString(), dir, LOADER));
        assertTrue(e.getMessage().contains("libdnnl.so.3 not found in " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("jdnn.dnnl.path") && e.getMessage().contains("JDNN_DNNL_PATH"), e.getMessage());
    }

    @Test
    void missingClassPathResourceSaysWhatToAdd(@TempDir Path cache) throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            NativeLibraryException e = assertThrows(NativeLibraryException.class,
                    () -> OneDnnLibrary.locate(null, cache, empty));
            assertTrue(e.getMessage().contains(NativePlatform.current().resourceDirectory() + OneDnnLibrary.DNNL_FILE + " not found"), e.getMessage());
            assertTrue(e.getMessage().contains("org.bytedeco:dnnl"), e.getMessage());
        }
    }

    @Test
    void aBrokenLibraryReportsTheRealDlerrorText(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve(OneDnnLibrary.DNNL_FILE);
        Files.writeString(fake, "this is not an ELF file, it is long enough to have a header of some sort......");

        NativeLibraryException e = assertThrows(NativeLibraryException.class, () -> LibC.dlopenGlobal(fake.toString()));

        assertTrue(e.getMessage().contains(fake.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("invalid ELF header") || e.getMessage().contains("file too short"), e.getMessage());
    }

    @Test
    void loadingTwiceReturnsTheSameLocation() {
        OneDnnLibrary.Location first = OneDnnLibrary.load();
        assertNotNull(first);
        assertEquals(first, OneDnnLibrary.load());
    }

    private static long resourceSize(String file) throws Exception {
        return LOADER.getResource(NativePlatform.current().resourceDirectory() + file).openConnection().getContentLengthLong();
    }
}
