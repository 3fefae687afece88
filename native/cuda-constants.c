/*
 * Prints every cuBLAS / cuDNN constant and struct layout fact jdnn uses, one "library.NAME value" line each,
 * from the installed headers, for CudaConstantsTest to compare with the generated org.jdnn.bindings.{cublas,cudnn}.
 * A library whose header is not found prints "missing <library>".
 *
 *   cc -I/usr/local/cuda/include [-I<cudnn include>] native/cuda-constants.c -o cuda-constants && ./cuda-constants
 *
 * Only headers are needed (no linking), so it also builds on machines without a GPU.
 */
#include <stddef.h>
#include <stdio.h>

#define P(lib, name) printf("%s.%s %lld\n", lib, #name, (long long) (name))
#define SIZE(lib, type) printf("%s.sizeof(%s) %lld\n", lib, #type, (long long) sizeof(type))
#define OFFSET(lib, type, field) printf("%s.offsetof(%s.%s) %lld\n", lib, #type, #field, (long long) offsetof(type, field))

#if __has_include(<cublas_v2.h>)
#include <cublas_v2.h>
static void cublas(void) {
    const char *l = "cublas";
    printf("version.cublas %d.%d.%d\n", CUBLAS_VER_MAJOR, CUBLAS_VER_MINOR, CUBLAS_VER_PATCH);
    P(l, CUBLAS_STATUS_SUCCESS); P(l, CUBLAS_STATUS_NOT_INITIALIZED); P(l, CUBLAS_STATUS_ALLOC_FAILED);
    P(l, CUBLAS_STATUS_INVALID_VALUE); P(l, CUBLAS_STATUS_ARCH_MISMATCH); P(l, CUBLAS_STATUS_MAPPING_ERROR);
    P(l, CUBLAS_STATUS_EXECUTION_FAILED); P(l, CUBLAS_STATUS_INTERNAL_ERROR); P(l, CUBLAS_STATUS_NOT_SUPPORTED);
    P(l, CUBLAS_STATUS_LICENSE_ERROR);
    P(l, CUBLAS_OP_N); P(l, CUBLAS_OP_T); P(l, CUBLAS_OP_C);
    P(l, CUBLAS_DEFAULT_MATH); P(l, CUBLAS_PEDANTIC_MATH); P(l, CUBLAS_TF32_TENSOR_OP_MATH);
    P(l, CUBLAS_POINTER_MODE_HOST); P(l, CUBLAS_POINTER_MODE_DEVICE);
}
#else
static void cublas(void) { printf("missing cublas\n"); }
#endif

#if __has_include(<cudnn.h>)
#include <cudnn.h>
#define PERF(l, T) SIZE(l, T); OFFSET(l, T, algo); OFFSET(l, T, status); OFFSET(l, T, time); \
    OFFSET(l, T, memory); OFFSET(l, T, determinism); OFFSET(l, T, mathType)
static void cudnn(void) {
    const char *l = "cudnn";
    printf("version.cudnn %d.%d.%d\n", CUDNN_MAJOR, CUDNN_MINOR, CUDNN_PATCHLEVEL);
    P(l, CUDNN_STATUS_SUCCESS);
    P(l, CUDNN_TENSOR_NCHW); P(l, CUDNN_TENSOR_NHWC);
    P(l, CUDNN_DATA_FLOAT); P(l, CUDNN_DATA_DOUBLE); P(l, CUDNN_DATA_HALF); P(l, CUDNN_DATA_BFLOAT16);
    P(l, CUDNN_CONVOLUTION); P(l, CUDNN_CROSS_CORRELATION);
    P(l, CUDNN_DEFAULT_MATH); P(l, CUDNN_TENSOR_OP_MATH); P(l, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION); P(l, CUDNN_FMA_MATH);
    P(l, CUDNN_NOT_PROPAGATE_NAN); P(l, CUDNN_PROPAGATE_NAN);
    P(l, CUDNN_NON_DETERMINISTIC); P(l, CUDNN_DETERMINISTIC);
    P(l, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM); P(l, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM);
    P(l, CUDNN_CONVOLUTION_FWD_ALGO_GEMM); P(l, CUDNN_CONVOLUTION_FWD_ALGO_DIRECT); P(l, CUDNN_CONVOLUTION_FWD_ALGO_FFT);
    P(l, CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING); P(l, CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD);
    P(l, CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED); P(l, CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
    P(l, CUDNN_CONVOLUTION_BWD_DATA_ALGO_0); P(l, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1); P(l, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT);
    P(l, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0); P(l, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1);
    P(l, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT);
    P(l, CUDNN_POOLING_MAX); P(l, CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING);
    P(l, CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING); P(l, CUDNN_POOLING_MAX_DETERMINISTIC);
    P(l, CUDNN_ACTIVATION_SIGMOID); P(l, CUDNN_ACTIVATION_RELU); P(l, CUDNN_ACTIVATION_TANH);
    P(l, CUDNN_ACTIVATION_CLIPPED_RELU); P(l, CUDNN_ACTIVATION_ELU); P(l, CUDNN_ACTIVATION_IDENTITY); P(l, CUDNN_ACTIVATION_SWISH);
    P(l, CUDNN_SOFTMAX_FAST); P(l, CUDNN_SOFTMAX_ACCURATE); P(l, CUDNN_SOFTMAX_LOG);
    P(l, CUDNN_SOFTMAX_MODE_INSTANCE); P(l, CUDNN_SOFTMAX_MODE_CHANNEL);
    P(l, CUDNN_BATCHNORM_PER_ACTIVATION); P(l, CUDNN_BATCHNORM_SPATIAL); P(l, CUDNN_BATCHNORM_SPATIAL_PERSISTENT);
    PERF(l, cudnnConvolutionFwdAlgoPerf_t);
    PERF(l, cudnnConvolutionBwdDataAlgoPerf_t);
    PERF(l, cudnnConvolutionBwdFilterAlgoPerf_t);
}
#else
static void cudnn(void) { printf("missing cudnn\n"); }
#endif

int main(void) {
    cublas();
    cudnn();
    return 0;
}
