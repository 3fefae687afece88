package org.jdnn.natives.cuda;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every cuBLAS and cuDNN constant and struct layout jdnn uses, in ONE place, named exactly as in the C headers
 * (cublas_api.h, cudnn_graph.h / cudnn_ops.h / cudnn_cnn.h of cuDNN 9). These bindings are written by hand because
 * the headers are not on the CPU build machines; {@code native/cuda-constants.c} prints the same names from the
 * real headers and {@code CudaConstantsTest} (tag {@code gpu}) compares both, so a wrong value cannot go unnoticed
 * on a machine that has the headers. The CUDA runtime's constants need no such check: they are jextract output.
 */
public final class CudaConstants {
    private CudaConstants() {
    }

    /** cublasStatus_t, cublasOperation_t, cublasMath_t, cublasPointerMode_t. */
    public static final class Cublas {
        private Cublas() {
        }

        public static final int CUBLAS_STATUS_SUCCESS = 0;
        public static final int CUBLAS_STATUS_NOT_INITIALIZED = 1;
        public static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
        public static final int CUBLAS_STATUS_INVALID_VALUE = 7;
        public static final int CUBLAS_STATUS_ARCH_MISMATCH = 8;
        public static final int CUBLAS_STATUS_MAPPING_ERROR = 11;
        public static final int CUBLAS_STATUS_EXECUTION_FAILED = 13;
        public static final int CUBLAS_STATUS_INTERNAL_ERROR = 14;
        public static final int CUBLAS_STATUS_NOT_SUPPORTED = 15;
        public static final int CUBLAS_STATUS_LICENSE_ERROR = 16;

        public static final int CUBLAS_OP_N = 0;
        public static final int CUBLAS_OP_T = 1;
        public static final int CUBLAS_OP_C = 2;

        /** No tensor cores for float32 (no TF32): the default, so results match float32 bounds. */
        public static final int CUBLAS_DEFAULT_MATH = 0;
        public static final int CUBLAS_PEDANTIC_MATH = 2;
        /** Opt-in TF32 for float32 GEMMs. */
        public static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;

        public static final int CUBLAS_POINTER_MODE_HOST = 0;
        public static final int CUBLAS_POINTER_MODE_DEVICE = 1;
    }

    /** cuDNN 9 enums used by the legacy (descriptor) API. */
    public static final class Cudnn {
        private Cudnn() {
        }

        public static final int CUDNN_STATUS_SUCCESS = 0;

        public static final int CUDNN_TENSOR_NCHW = 0;
        public static final int CUDNN_TENSOR_NHWC = 1;

        public static final int CUDNN_DATA_FLOAT = 0;
        public static final int CUDNN_DATA_DOUBLE = 1;
        public static final int CUDNN_DATA_HALF = 2;
        public static final int CUDNN_DATA_BFLOAT16 = 9;

        public static final int CUDNN_CONVOLUTION = 0;
        public static final int CUDNN_CROSS_CORRELATION = 1;

        public static final int CUDNN_DEFAULT_MATH = 0;
        public static final int CUDNN_TENSOR_OP_MATH = 1;
        public static final int CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
        /** FMA only, no TF32: jdnn's default so parity holds to float32 bounds. */
        public static final int CUDNN_FMA_MATH = 3;

        public static final int CUDNN_NOT_PROPAGATE_NAN = 0;
        public static final int CUDNN_PROPAGATE_NAN = 1;

        public static final int CUDNN_NON_DETERMINISTIC = 0;
        public static final int CUDNN_DETERMINISTIC = 1;

        public static final int CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING = 5;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD = 6;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED = 7;
        public static final int CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8;

        public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0;
        public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1;
        public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6;

        public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0;
        public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1;
        public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7;

        public static final int CUDNN_POOLING_MAX = 0;
        public static final int CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1;
        public static final int CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2;
        public static final int CUDNN_POOLING_MAX_DETERMINISTIC = 3;

        public static final int CUDNN_ACTIVATION_SIGMOID = 0;
        public static final int CUDNN_ACTIVATION_RELU = 1;
        public static final int CUDNN_ACTIVATION_TANH = 2;
        public static final int CUDNN_ACTIVATION_CLIPPED_RELU = 3;
        public static final int CUDNN_ACTIVATION_ELU = 4;
        public static final int CUDNN_ACTIVATION_IDENTITY = 5;
        public static final int CUDNN_ACTIVATION_SWISH = 6;

        public static final int CUDNN_SOFTMAX_FAST = 0;
        public static final int CUDNN_SOFTMAX_ACCURATE = 1;
        public static final int CUDNN_SOFTMAX_LOG = 2;
        public static final int CUDNN_SOFTMAX_MODE_INSTANCE = 0;
        public static final int CUDNN_SOFTMAX_MODE_CHANNEL = 1;

        public static final int CUDNN_BATCHNORM_PER_ACTIVATION = 0;
        public static final int CUDNN_BATCHNORM_SPATIAL = 1;
        public static final int CUDNN_BATCHNORM_SPATIAL_PERSISTENT = 2;
    }

    /**
     * cudnnConvolutionFwdAlgoPerf_t; cudnnConvolutionBwdDataAlgoPerf_t and cudnnConvolutionBwdFilterAlgoPerf_t have
     * the same layout (only the type of {@code algo} differs), which the constants test checks too.
     */
    public static final StructLayout CONVOLUTION_ALGO_PERF = MemoryLayout.structLayout(
            JAVA_INT.withName("algo"),
            JAVA_INT.withName("status"),
            JAVA_FLOAT.withName("time"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("memory"),
            JAVA_INT.withName("determinism"),
            JAVA_INT.withName("mathType"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"),
            MemoryLayout.paddingLayout(4)).withName("cudnnConvolutionFwdAlgoPerf_t");

    /** The C struct names laid out as {@link #CONVOLUTION_ALGO_PERF}. */
    static final String[] ALGO_PERF_STRUCTS = {
            "cudnnConvolutionFwdAlgoPerf_t", "cudnnConvolutionBwdDataAlgoPerf_t", "cudnnConvolutionBwdFilterAlgoPerf_t"};

    /**
     * Every constant and layout fact above as "NAME -> value", in the format native/cuda-constants.c prints
     * ({@code sizeof(T)}, {@code offsetof(T.field)}), grouped by the prefix "cublas." or "cudnn.".
     */
    public static Map<String, Long> expected() {
        Map<String, Long> values = new TreeMap<>();
        addFields(values, "cublas.", Cublas.class);
        addFields(values, "cudnn.", Cudnn.class);
        for (String struct : ALGO_PERF_STRUCTS) {
            values.put("cudnn.sizeof(" + struct + ")", CONVOLUTION_ALGO_PERF.byteSize());
            for (String field : new String[]{"algo", "status", "time", "memory", "determinism", "mathType"}) {
                values.put("cudnn.offsetof(" + struct + "." + field + ")", CONVOLUTION_ALGO_PERF.byteOffset(groupElement(field)));
            }
        }
        return values;
    }

    private static void addFields(Map<String, Long> values, String prefix, Class<?> holder) {
        for (Field field : holder.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isPublic(modifiers) && field.getType() == int.class) {
                try {
                    values.put(prefix + field.getName(), (long) field.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
