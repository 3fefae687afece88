package org.jdnn.natives.cuda;

import org.jdnn.Jdnn;
import org.jdnn.backend.BackendUnavailableException;
import org.jdnn.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Library discovery and availability reporting; needs no GPU (fake library files in temporary folders). */
class CudaDiscoveryTest {
    @TempDir
    Path tmp;

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    private static void touch(Path dir, String... files) throws IOException {
        for (String file : files) {
            Files.writeString(dir.resolve(file), "");
        }
    }

    private static List<Path> dirs(List<CudaSearchPath.Entry> entries) {
        return entries.stream().map(CudaSearchPath.Entry::dir).toList();
    }

    @Test
    void searchPathOrderOverrideThenLdLibraryPathThenToolkitsThenWheelsThenSystem() throws IOException {
        Path override = dir("override");
        Path overrideLib64 = dir("override/lib64");
        Path ld = dir("ld");
        Path usrLocal = dir("usr-local");
        Path cuda12 = dir("usr-local/cuda-12.4/lib64");
        Path cuda13 = dir("usr-local/cuda-13.0/lib64");
        Path site = dir("site-packages");
        Path cudnnWheel = dir("site-packages/nvidia/cudnn/lib");
        Path cublasWheel = dir("site-packages/nvidia/cublas/lib");
        Path system = dir("system");

        List<CudaSearchPath.Entry> path = CudaSearchPath.build(override.toString(), ld + ":" + tmp.resolve("absent"),
                usrLocal, List.of(site), List.of(), List.of(system));

        List<Path> expected = List.of(override, overrideLib64, ld, cuda13, cuda12, cublasWheel, cudnnWheel, system);
        assertEquals(expected.stream().map(CudaDiscoveryTest::real).toList(), dirs(path), "search order: " + path);
        assertTrue(path.get(0).origin().contains(CudaSearchPath.OVERRIDE_ENV), path.get(0).toString());
        assertEquals("Python NVIDIA wheel", path.get(5).origin());
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void locatesEachLibraryWithTheRuntimesMajorVersion() throws IOException {
        Path toolkit = dir("toolkit");
        Path wheel = dir("wheel");
        touch(toolkit, "libcudart.so.12", "libcublasLt.so.12", "libcublas.so.13");   // cuBLAS of another major: ignored
        touch(wheel, "libcublas.so.12", "libcudnn.so.9");

        CudaLibraries.Located located = CudaLibraries.locate(CudaSearchPath.build(null, toolkit + ":" + wheel,
                dir("no-usr-local"), List.of(), List.of(), List.of()));

        assertEquals(12, located.runtimeMajor());
        assertEquals(real(toolkit).resolve("libcudart.so.12"), located.files().get(CudaLibrary.CUDART));
        assertEquals(real(wheel).resolve("libcublas.so.12"), located.files().get(CudaLibrary.CUBLAS));
        assertEquals(real(wheel).resolve("libcudnn.so.9"), located.files().get(CudaLibrary.CUDNN));
        assertNull(located.files().get(CudaLibrary.NVRTC), "NVRTC is optional");
        assertEquals(List.of(), located.missing());
    }

    @Test
    void missingLibrariesAreNamedWithTheFoldersSearched() throws IOException {
        Path toolkit = dir("toolkit");
        touch(toolkit, "libcudart.so.13");

        CudaLibraries.Located located = CudaLibraries.locate(CudaSearchPath.build(toolkit.toString(), null,
                dir("no-usr-local"), List.of(), List.of(), List.of()));

        assertEquals(List.of("cuBLASLt (libcublasLt.so.13) not found", "cuBLAS (libcublas.so.13) not found",
                "cuDNN (libcudnn.so.9) not found"), located.missing());
    }

    @Test
    void noRuntimeAnywhereSaysWhereItLooked() throws IOException {
        Path empty = dir("empty");
        CudaLibraries.Located located = CudaLibraries.locate(CudaSearchPath.build(empty.toString(), null,
                dir("no-usr-local"), List.of(), List.of(), List.of()));

        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaLibraries.loadFrom(located));
        assertTrue(e.getMessage().startsWith("CUDA runtime (libcudart.so.13 or libcudart.so.12) not found; searched "
                + real(empty)), e.getMessage());
        assertTrue(e.getMessage().contains(CudaSearchPath.OVERRIDE_ENV), e.getMessage());
    }

    @Test
    void aBrokenLibraryReportsDlerrorText() throws IOException {
        Path toolkit = dir("broken");
        touch(toolkit, "libcudart.so.12");   // an empty file: dlopen fails with "file too short"

        CudaLibraries.Located located = CudaLibraries.locate(CudaSearchPath.build(toolkit.toString(), null,
                dir("no-usr-local"), List.of(), List.of(), List.of()));
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaLibraries.loadFrom(located));

        assertTrue(e.getMessage().startsWith("CUDA runtime: cannot load " + real(toolkit).resolve("libcudart.so.12")
                + ": dlerror: "), e.getMessage());
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void cudaBackendReportsItsPreciseReasonAndTheRestKeepsWorking() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.get(Backends.CUDA));
        assertTrue(e.getMessage().startsWith("cuda unavailable: "), e.getMessage());
        assertFalse(e.getMessage().contains("not part of this build yet") && CudaLibraries.unavailableReason().isPresent(),
                "on a machine without CUDA the reason must say what is missing: " + e.getMessage());
        CudaLibraries.unavailableReason().ifPresent(reason -> assertEquals("cuda unavailable: " + reason, e.getMessage()));

        Jdnn.Info info = Jdnn.info();
        assertEquals(e.getMessage(), info.backends().get(Backends.CUDA));
        assertEquals("available", info.backends().get(Backends.REFERENCE));
    }
}
