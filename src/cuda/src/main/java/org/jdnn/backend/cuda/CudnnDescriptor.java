package org.jdnn.backend.cuda;

import org.jdnn.natives.cuda.CudaConstants;
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
            Cudnn.check(Cudnn.cudnnSetTensor4dDescriptor(t.handle, CudaConstants.Cudnn.CUDNN_TENSOR_NCHW,
                    CudaConstants.Cudnn.CUDNN_DATA_FLOAT, dims[0], dims[1], dims[2], dims[3]),
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
            Cudnn.check(Cudnn.cudnnSetFilter4dDescriptor(t.handle, CudaConstants.Cudnn.CUDNN_DATA_FLOAT,
                    CudaConstants.Cudnn.CUDNN_TENSOR_NCHW, dims[0], dims[1], dims[2], dims[3]),
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
            Cudnn.check(Cudnn.cudnnSetConvolution2dDescriptor(t.handle, g.padH(), g.padW(), g.strideH(), g.strideW(),
                    g.dilationH(), g.dilationW(), CudaConstants.Cudnn.CUDNN_CROSS_CORRELATION,
                    CudaConstants.Cudnn.CUDNN_DATA_FLOAT), "cudnnSetConvolution2dDescriptor(" + g + ")");
            Cudnn.check(Cudnn.cudnnSetConvolutionGroupCount(t.handle, g.groups()),
                    "cudnnSetConvolutionGroupCount(" + g.groups() + ")");
            Cudnn.check(Cudnn.cudnnSetConvolutionMathType(t.handle, CudaConstants.Cudnn.CUDNN_FMA_MATH),
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
            Cudnn.check(Cudnn.cudnnSetPooling2dDescriptor(t.handle, g.mode(), CudaConstants.Cudnn.CUDNN_PROPAGATE_NAN,
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
            Cudnn.check(Cudnn.cudnnSetActivationDescriptor(t.handle, mode, CudaConstants.Cudnn.CUDNN_PROPAGATE_NAN,
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
                case TENSOR -> check(Cudnn.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
                case FILTER -> check(Cudnn.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor");
                case CONVOLUTION -> check(Cudnn.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor");
                case POOLING -> check(Cudnn.cudnnCreatePoolingDescriptor(out), "cudnnCreatePoolingDescriptor");
                case ACTIVATION -> check(Cudnn.cudnnCreateActivationDescriptor(out), "cudnnCreateActivationDescriptor");
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
            case TENSOR -> Cudnn.cudnnDestroyTensorDescriptor(handle);
            case FILTER -> Cudnn.cudnnDestroyFilterDescriptor(handle);
            case CONVOLUTION -> Cudnn.cudnnDestroyConvolutionDescriptor(handle);
            case POOLING -> Cudnn.cudnnDestroyPoolingDescriptor(handle);
            case ACTIVATION -> Cudnn.cudnnDestroyActivationDescriptor(handle);
        };
        Cudnn.check(status, "cudnnDestroy" + kind + "Descriptor");
    }
}
