package org.jdnn.natives.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * cuBLAS functions jdnn calls, bound by hand (cublas_v2.h is not on the CPU build machines) in the shape jextract
 * gives: one static method per C function, same name and argument order, status returned as int. Constants live
 * in {@link CudaConstants.Cublas}; native/cuda-constants.c and CudaConstantsTest check them against the real
 * headers on a machine that has them. Signatures follow the cuBLAS 12/13 API (cublas_api.h).
 */
public final class Cublas {
    private Cublas() {
    }

    /** The downcall handles, bound when first used (which loads CUDA, or throws why it cannot). */
    private static final class H {
        private static final Downcalls D = Downcalls.of(CudaLibrary.CUBLAS);

        static final MethodHandle cublasCreate_v2 = D.bind("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cublasDestroy_v2 = D.bind("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cublasGetVersion_v2 = D.bind("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cublasSetStream_v2 = D.bind("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cublasSetMathMode = D.bind("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle cublasSetPointerMode_v2 = D.bind("cublasSetPointerMode_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle cublasGetStatusName = D.bind("cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle cublasGetStatusString = D.bind("cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle cublasSgemm_v2 = D.bind("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle cublasSgemmStridedBatched = D.bind("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    /** {@code cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)} */
    public static int cublasCreate_v2(MemorySegment handle) {
        try {
            return (int) H.cublasCreate_v2.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasCreate_v2", t);
        }
    }

    /** {@code cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)} */
    public static int cublasDestroy_v2(MemorySegment handle) {
        try {
            return (int) H.cublasDestroy_v2.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasDestroy_v2", t);
        }
    }

    /** {@code cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)} */
    public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
        try {
            return (int) H.cublasGetVersion_v2.invokeExact(handle, version);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasGetVersion_v2", t);
        }
    }

    /** {@code cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)} */
    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment stream) {
        try {
            return (int) H.cublasSetStream_v2.invokeExact(handle, stream);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasSetStream_v2", t);
        }
    }

    /** {@code cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)} */
    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        try {
            return (int) H.cublasSetMathMode.invokeExact(handle, mode);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasSetMathMode", t);
        }
    }

    /** {@code cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)} */
    public static int cublasSetPointerMode_v2(MemorySegment handle, int mode) {
        try {
            return (int) H.cublasSetPointerMode_v2.invokeExact(handle, mode);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasSetPointerMode_v2", t);
        }
    }

    /** {@code const char *cublasGetStatusName(cublasStatus_t status)} */
    public static MemorySegment cublasGetStatusName(int status) {
        try {
            return (MemorySegment) H.cublasGetStatusName.invokeExact(status);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasGetStatusName", t);
        }
    }

    /** {@code const char *cublasGetStatusString(cublasStatus_t status)} */
    public static MemorySegment cublasGetStatusString(int status) {
        try {
            return (MemorySegment) H.cublasGetStatusString.invokeExact(status);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasGetStatusString", t);
        }
    }

    /** {@code cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc)} */
    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment a, int lda, MemorySegment b, int ldb, MemorySegment beta, MemorySegment c, int ldc) {
        try {
            return (int) H.cublasSgemm_v2.invokeExact(handle, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasSgemm_v2", t);
        }
    }

    /** {@code cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, long long strideA, const float *B, int ldb, long long strideB, const float *beta, float *C, int ldc, long long strideC, int batchCount)} */
    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB, MemorySegment beta, MemorySegment c, int ldc, long strideC, int batchCount) {
        try {
            return (int) H.cublasSgemmStridedBatched.invokeExact(handle, transa, transb, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);
        } catch (Throwable t) {
            throw Downcalls.failure("cublasSgemmStridedBatched", t);
        }
    }

    /** Throws a {@link CudaException} naming {@code function} and the cuBLAS status unless it is success. */
    public static void check(int status, String function) {
        if (status != CudaConstants.Cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(function, status, CudaRuntime.cString(cublasGetStatusName(status)),
                    CudaRuntime.cString(cublasGetStatusString(status)));
        }
    }
}
