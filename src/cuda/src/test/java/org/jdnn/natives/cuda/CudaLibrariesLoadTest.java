package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublaslt.cublaslt_h;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.bindings.nccl.nccl_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A library loaded by {@link CudaLibraries#load(String, Path)} is visible to the generated bindings, which look
 * symbols up through {@link SymbolLookup#loaderLookup()}. Uses the wheels' cuBLASLt, cuDNN and NCCL when present:
 * they load and answer their versions without a device.
 */
class CudaLibrariesLoadTest {
    /**
     * The {@code nvidia} folder of NVIDIA's unpacked Python wheels (cu13, cudnn, nccl), from {@code JDNN_CUDA_WHEELS};
     * without it these tests are skipped, saying so.
     */
    private static final Path WHEELS = Path.of(System.getenv().getOrDefault("JDNN_CUDA_WHEELS", "/nonexistent-wheels"));
    private static final Path WHEEL_LIB = WHEELS.resolve("cu13/lib/libcublasLt.so.13");

    @Test
    void aLoadedLibraryIsCallableThroughTheGeneratedBindings() {
        assumeTrue(Files.exists(WHEEL_LIB), () -> WHEEL_LIB + " is not installed here");
        CudaLibraries.load("cuBLASLt", WHEEL_LIB);
        assertTrue(SymbolLookup.loaderLookup().find("cublasLtGetVersion").isPresent(),
                "cublasLtGetVersion visible to loaderLookup after loading " + WHEEL_LIB);
        long version = cublaslt_h.cublasLtGetVersion();
        assertTrue(version >= 130000, "cuBLASLt version of a CUDA 13 wheel, got " + version);
    }

    @Test
    void cudnnLoadsForItsGeneratedBindings() {
        Path cudnn = WHEELS.resolve("cudnn/lib/libcudnn.so.9");
        assumeTrue(Files.exists(cudnn), () -> cudnn + " is not installed here");
        CudaLibraries.load("cuDNN", cudnn);
        long version = cudnn_h.cudnnGetVersion();
        assertTrue(version >= 90000 && version < 100000, "cuDNN 9 version, got " + version);
    }

    @Test
    void ncclIsFoundInTheSearchPathAndLoadedOnRequest() {
        Path dir = WHEELS.resolve("nccl/lib");
        assumeTrue(Files.exists(dir.resolve(CudaLibraries.NCCL_FILE)), () -> dir + " holds no NCCL here");
        String before = System.getProperty(CudaSearchPath.OVERRIDE_PROPERTY);
        System.setProperty(CudaSearchPath.OVERRIDE_PROPERTY, dir.toString());
        try {
            assertEquals(dir.resolve(CudaLibraries.NCCL_FILE), CudaLibraries.loadNccl());
        } finally {
            if (before == null) {
                System.clearProperty(CudaSearchPath.OVERRIDE_PROPERTY);
            } else {
                System.setProperty(CudaSearchPath.OVERRIDE_PROPERTY, before);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            assertEquals(0, nccl_h.ncclGetVersion(out), "ncclGetVersion status");
            assertTrue(out.get(JAVA_INT, 0) >= 20000, "NCCL 2 version, got " + out.get(JAVA_INT, 0));
        }
    }

    @Test
    void aFileThatCannotBeLoadedIsReportedWithTheLibraryAndTheLoadersText() {
        Path absent = Path.of("/nonexistent/libcublas.so.13");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaLibraries.load("cuBLAS", absent));
        assertTrue(e.getMessage().startsWith("cuBLAS: cannot load " + absent + ": dlerror: "), e.getMessage());
    }
}
