package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublas.cublas_h;

/**
 * cuBLAS statuses as exceptions. The functions themselves are called through the generated
 * {@code cublas_h} (cublas_v2.h's {@code _v2} names), which finds them once {@link CudaLibraries#load()} has loaded
 * cuBLAS.
 */
public final class Cublas {
    private Cublas() {
    }

    /** Throws a {@link CudaException} naming {@code function} and the cuBLAS status unless it is success. */
    public static void check(int status, String function) {
        if (status != cublas_h.CUBLAS_STATUS_SUCCESS()) {
            throw new CudaException(function, status, CudaRuntime.cString(cublas_h.cublasGetStatusName(status)),
                    CudaRuntime.cString(cublas_h.cublasGetStatusString(status)));
        }
    }
}
