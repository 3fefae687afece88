package org.jdnn.natives;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oneDNN's libraries are found per platform, from the dnnl jar of the matching Maven classifier. */
class NativePlatformTest {

    @Test
    void javasOsNamesAndArchitecturesMapToTheDnnlClassifiers() {
        assertEquals(Optional.of(NativePlatform.LINUX_X86_64), NativePlatform.of("Linux", "amd64"));
        assertEquals(Optional.of(NativePlatform.LINUX_ARM64), NativePlatform.of("Linux", "aarch64"));
        assertEquals(Optional.of(NativePlatform.MACOS_ARM64), NativePlatform.of("Mac OS X", "aarch64"));
        assertEquals(Optional.empty(), NativePlatform.of("Windows 11", "amd64"));
        assertEquals(Optional.empty(), NativePlatform.of("Mac OS X", "x86_64"));
        assertEquals(Optional.empty(), NativePlatform.of("Linux", "riscv64"));
        assertEquals("org/bytedeco/dnnl/macosx-arm64/", NativePlatform.MACOS_ARM64.resourceDirectory());
        assertEquals("libomp.dylib", NativePlatform.MACOS_ARM64.openMpFile());
        assertEquals("libdnnl.3.dylib", NativePlatform.MACOS_ARM64.dnnlFile());
    }

    @Test
    void anotherPlatformsLibrariesAreExtractedFromItsOwnJar(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("dnnl-macosx-arm64.jar");
        byte[] dnnl = {1, 2, 3}, omp = {4, 5};
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            put(zip, "org/bytedeco/dnnl/macosx-arm64/libdnnl.3.dylib", dnnl);
            put(zip, "org/bytedeco/dnnl/macosx-arm64/libomp.dylib", omp);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            OneDnnLibrary.Location location = OneDnnLibrary.extract(NativePlatform.MACOS_ARM64, dir.resolve("cache"), loader);
            assertArrayEquals(dnnl, Files.readAllBytes(location.dnnl()));
            assertArrayEquals(omp, Files.readAllBytes(location.gomp()));
            assertTrue(location.dnnl().getParent().endsWith("dnnl-unknown-macosx-arm64"), location.toString());

            NativeLibraryException e = assertThrows(NativeLibraryException.class,
                    () -> OneDnnLibrary.extract(NativePlatform.LINUX_ARM64, dir.resolve("cache"), loader));
            assertEquals("oneDNN: class path resource org/bytedeco/dnnl/linux-arm64/libdnnl.so.3 not found; add "
                    + "org.bytedeco:dnnl:<version>:linux-arm64 to the class path, or set -Djdnn.dnnl.path (or "
                    + "JDNN_DNNL_PATH) to a directory holding libdnnl.so.3", e.getMessage());
        }
    }

    @Test
    void anUnsupportedPlatformIsAClearErrorNamingIt() {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        try {
            System.setProperty("os.name", "Windows 11");
            System.setProperty("os.arch", "amd64");
            NativeLibraryException e = assertThrows(NativeLibraryException.class, NativePlatform::current);
            assertEquals("oneDNN: jdnn ships oneDNN for [linux-x86_64, linux-arm64, macosx-arm64], not for "
                    + "Windows 11/amd64; set -Djdnn.dnnl.path (or JDNN_DNNL_PATH) to a directory holding oneDNN "
                    + "built for this platform", e.getMessage());
        } finally {
            System.setProperty("os.name", os);
            System.setProperty("os.arch", arch);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws Exception {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(bytes);
        zip.closeEntry();
    }
}
