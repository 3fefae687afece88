package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublaslt.cublaslt_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A library loaded by {@link CudaLibraries#load(String, Path)} is visible to the generated bindings, which look
 * symbols up through {@link SymbolLookup#loaderLookup()}. Uses the wheel's cuBLASLt when present: it loads and
 * answers its version without a device.
 */
class CudaLibrariesLoadTest {
    private static final Path WHEEL_LIB = Path.of("/work/cuda-headers/nvidia/cu13/lib/libcublasLt.so.13");

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
    void aFileThatCannotBeLoadedIsReportedWithTheLibraryAndTheLoadersText() {
        Path absent = Path.of("/nonexistent/libcublas.so.13");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaLibraries.load("cuBLAS", absent));
        assertTrue(e.getMessage().startsWith("cuBLAS: cannot load " + absent + ": dlerror: "), e.getMessage());
    }
}
