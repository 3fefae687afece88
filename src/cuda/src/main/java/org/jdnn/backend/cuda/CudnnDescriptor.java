package org.jdnn.backend.cuda;

import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.cuda.Cudnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/** A cuDNN descriptor owned for one call: created, set, and destroyed by close(). */
final class CudnnDescriptor implements AutoCloseable {
    private final MemorySegment handle;
    private final Kind kind;

    enum Kind { TENSOR, FILTER, CONVOLUTION, POOLING, ACTIVATION }

    private CudnnDescriptor(MemorySegment handle, Kind kind) {
        this.handle = handle;
        this.kind = kind;
    }

    MemorySegment handle() {
        return handle;
    }

    /** A float32 NCHW tensor descriptor of {@code dims} (n, c, h, w), packed. */
    static CudnnDescriptor tensor(int[] dims) {
        CudnnDescriptor t = create(Kind.TENSOR);
        try {
            Cudnn.check(cudnn_h.cudnnSetTensor4dDescriptor(t.handle, cudnn_h.CUDNN_TENSOR_NCHW(),
                    cudnn_h.CUDNN_DATA_FLOAT(), dims[0], dims[1], dims[2], dims[3]),
                    "cudnnSetTensor4dDescriptor" + java.util.Arrays.toString(dims));
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A float32 filter descriptor of {@code dims} (out channels, in channels per group, kh, kw), NCHW. */
    static CudnnDescriptor filter(int[] dims) {
        CudnnDescriptor t = create(Kind.FILTER);
        try {
            Cudnn.check(cudnn_h.cudnnSetFilter4dDescriptor(t.handle, cudnn_h.CUDNN_DATA_FLOAT(),
                    cudnn_h.CUDNN_TENSOR_NCHW(), dims[0], dims[1], dims[2], dims[3]),
                    "cudnnSetFilter4dDescriptor" + java.util.Arrays.toString(dims));
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A cross-correlation (PyTorch's convolution) descriptor, float32 compute, FMA math (no TF32). */
    static CudnnDescriptor convolution(ConvGeometry g) {
        CudnnDescriptor t = create(Kind.CONVOLUTION);
        try {
            Cudnn.check(cudnn_h.cudnnSetConvolution2dDescriptor(t.handle, g.padH(), g.padW(), g.strideH(), g.strideW(),
                    g.dilationH(), g.dilationW(), cudnn_h.CUDNN_CROSS_CORRELATION(),
                    cudnn_h.CUDNN_DATA_FLOAT()), "cudnnSetConvolution2dDescriptor(" + g + ")");
            Cudnn.check(cudnn_h.cudnnSetConvolutionGroupCount(t.handle, g.groups()),
                    "cudnnSetConvolutionGroupCount(" + g.groups() + ")");
            Cudnn.check(cudnn_h.cudnnSetConvolutionMathType(t.handle, cudnn_h.CUDNN_FMA_MATH()),
                    "cudnnSetConvolutionMathType(CUDNN_FMA_MATH)");
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A 2-d pooling descriptor; NaN propagates as in PyTorch. */
    static CudnnDescriptor pooling(PoolGeometry g) {
        CudnnDescriptor t = create(Kind.POOLING);
        try {
            Cudnn.check(cudnn_h.cudnnSetPooling2dDescriptor(t.handle, g.mode(), cudnn_h.CUDNN_PROPAGATE_NAN(),
                    g.windowH(), g.windowW(), g.padH(), g.padW(), g.strideH(), g.strideW()),
                    "cudnnSetPooling2dDescriptor(" + g + ")");
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** An activation descriptor; NaN propagates. */
    static CudnnDescriptor activation(int mode, double coef) {
        CudnnDescriptor t = create(Kind.ACTIVATION);
        try {
            Cudnn.check(cudnn_h.cudnnSetActivationDescriptor(t.handle, mode, cudnn_h.CUDNN_PROPAGATE_NAN(),
                    coef), "cudnnSetActivationDescriptor(" + mode + ", " + coef + ")");
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static CudnnDescriptor create(Kind kind) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            String function = switch (kind) {
                case TENSOR -> check(cudnn_h.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
                case FILTER -> check(cudnn_h.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor");
                case CONVOLUTION -> check(cudnn_h.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor");
                case POOLING -> check(cudnn_h.cudnnCreatePoolingDescriptor(out), "cudnnCreatePoolingDescriptor");
                case ACTIVATION -> check(cudnn_h.cudnnCreateActivationDescriptor(out), "cudnnCreateActivationDescriptor");
            };
            return new CudnnDescriptor(out.get(ADDRESS, 0), kind);
        }
    }

    private static String check(int status, String function) {
        Cudnn.check(status, function);
        return function;
    }

    @Override
    public void close() {
        int status = switch (kind) {
            case TENSOR -> cudnn_h.cudnnDestroyTensorDescriptor(handle);
            case FILTER -> cudnn_h.cudnnDestroyFilterDescriptor(handle);
            case CONVOLUTION -> cudnn_h.cudnnDestroyConvolutionDescriptor(handle);
            case POOLING -> cudnn_h.cudnnDestroyPoolingDescriptor(handle);
            case ACTIVATION -> cudnn_h.cudnnDestroyActivationDescriptor(handle);
        };
        Cudnn.check(status, "cudnnDestroy" + kind + "Descriptor");
    }
}
