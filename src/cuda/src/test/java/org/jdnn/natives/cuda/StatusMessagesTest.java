package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A failed cuBLAS or cuDNN status becomes a {@link CudaException} naming the function, the status's own name from
 * the library (called through the generated bindings) and its number. Uses the libraries of NVIDIA's unpacked
 * wheels ({@code JDNN_CUDA_WHEELS}, as CudaLibrariesLoadTest); no device is needed. Without them, skipped saying so.
 */
class StatusMessagesTest {
    private static final Path WHEELS = Path.of(System.getenv().getOrDefault("JDNN_CUDA_WHEELS", "/nonexistent-wheels"));

    @Test
    void successIsSilentWithoutCallingTheLibrary() {
        assertDoesNotThrow(() -> Cublas.check(cublas_h.CUBLAS_STATUS_SUCCESS(), "cublasSgemm_v2"));
        assertDoesNotThrow(() -> Cudnn.check(cudnn_h.CUDNN_STATUS_SUCCESS(), "cudnnConvolutionForward"));
    }

    @Test
    void aCublasStatusIsNamedByCublas() {
        Path lt = WHEELS.resolve("cu13/lib/libcublasLt.so.13"), cublas = WHEELS.resolve("cu13/lib/libcublas.so.13");
        assumeTrue(Files.exists(lt) && Files.exists(cublas), () -> cublas + " is not installed here");
        CudaLibraries.load("cuBLASLt", lt);
        CudaLibraries.load("cuBLAS", cublas);
        CudaException e = assertThrows(CudaException.class,
                () -> Cublas.check(cublas_h.CUBLAS_STATUS_INVALID_VALUE(), "cublasSgemm_v2(m 0)"));
        assertEquals("cublasSgemm_v2(m 0): CUBLAS_STATUS_INVALID_VALUE (7): "
                + CudaRuntime.cString(cublas_h.cublasGetStatusString(7)), e.getMessage());
        assertEquals(7, e.status());
    }

    @Test
    void aCudnnStatusIsNamedByCudnn() {
        Path cudnn = WHEELS.resolve("cudnn/lib/libcudnn.so.9");
        assumeTrue(Files.exists(cudnn), () -> cudnn + " is not installed here");
        CudaLibraries.load("cuDNN", cudnn);
        int badParam = cudnn_h.CUDNN_STATUS_BAD_PARAM();
        CudaException e = assertThrows(CudaException.class, () -> Cudnn.check(badParam, "cudnnSetTensor4dDescriptor"));
        assertEquals("cudnnSetTensor4dDescriptor: CUDNN_STATUS_BAD_PARAM (" + badParam + ")", e.getMessage());
    }
}
