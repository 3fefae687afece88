package org.jdnn.natives.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * cuDNN 9 functions jdnn calls (the descriptor API), bound by hand (cudnn.h is not on the CPU build machines) in
 * the shape jextract gives: one static method per C function, same name and argument order, status returned as
 * int. Constants and the algorithm-perf struct layout live in {@link CudaConstants}; native/cuda-constants.c and
 * CudaConstantsTest check them against the real headers. For float tensors alpha/beta point to host floats.
 */
public final class Cudnn {
    private Cudnn() {
    }

    /** The downcall handles, bound when first used (which loads CUDA, or throws why it cannot). */
    private static final class H {
        private static final Downcalls D = Downcalls.of(CudaLibrary.CUDNN);

        static final MethodHandle cudnnGetVersion = D.bind("cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG));
        static final MethodHandle cudnnGetErrorString = D.bind("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle cudnnCreate = D.bind("cudnnCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnDestroy = D.bind("cudnnDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnSetStream = D.bind("cudnnSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cudnnCreateTensorDescriptor = D.bind("cudnnCreateTensorDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnDestroyTensorDescriptor = D.bind("cudnnDestroyTensorDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnSetTensor4dDescriptor = D.bind("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle cudnnSetTensorNdDescriptor = D.bind("cudnnSetTensorNdDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cudnnCreateFilterDescriptor = D.bind("cudnnCreateFilterDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnDestroyFilterDescriptor = D.bind("cudnnDestroyFilterDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnSetFilter4dDescriptor = D.bind("cudnnSetFilter4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle cudnnCreateConvolutionDescriptor = D.bind("cudnnCreateConvolutionDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnDestroyConvolutionDescriptor = D.bind("cudnnDestroyConvolutionDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnSetConvolution2dDescriptor = D.bind("cudnnSetConvolution2dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle cudnnSetConvolutionGroupCount = D.bind("cudnnSetConvolutionGroupCount", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle cudnnSetConvolutionMathType = D.bind("cudnnSetConvolutionMathType", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle cudnnGetConvolution2dForwardOutputDim = D.bind("cudnnGetConvolution2dForwardOutputDim", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnGetConvolutionForwardAlgorithm_v7 = D.bind("cudnnGetConvolutionForwardAlgorithm_v7", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cudnnFindConvolutionForwardAlgorithm = D.bind("cudnnFindConvolutionForwardAlgorithm", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cudnnFindConvolutionForwardAlgorithmEx = D.bind("cudnnFindConvolutionForwardAlgorithmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle cudnnFindConvolutionBackwardDataAlgorithmEx = D.bind("cudnnFindConvolutionBackwardDataAlgorithmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle cudnnFindConvolutionBackwardFilterAlgorithmEx = D.bind("cudnnFindConvolutionBackwardFilterAlgorithmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle cudnnAddTensor = D.bind("cudnnAddTensor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnScaleTensor = D.bind("cudnnScaleTensor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnGetConvolutionBackwardDataAlgorithm_v7 = D.bind("cudnnGetConvolutionBackwardDataAlgorithm_v7", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cudnnGetConvolutionBackwardFilterAlgorithm_v7 = D.bind("cudnnGetConvolutionBackwardFilterAlgorithm_v7", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle cudnnGetConvolutionForwardWorkspaceSize = D.bind("cudnnGetConvolutionForwardWorkspaceSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        static final MethodHandle cudnnGetConvolutionBackwardDataWorkspaceSize = D.bind("cudnnGetConvolutionBackwardDataWorkspaceSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        static final MethodHandle cudnnGetConvolutionBackwardFilterWorkspaceSize = D.bind("cudnnGetConvolutionBackwardFilterWorkspaceSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        static final MethodHandle cudnnConvolutionForward = D.bind("cudnnConvolutionForward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnConvolutionBackwardData = D.bind("cudnnConvolutionBackwardData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnConvolutionBackwardFilter = D.bind("cudnnConvolutionBackwardFilter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnConvolutionBackwardBias = D.bind("cudnnConvolutionBackwardBias", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnCreatePoolingDescriptor = D.bind("cudnnCreatePoolingDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnDestroyPoolingDescriptor = D.bind("cudnnDestroyPoolingDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnSetPooling2dDescriptor = D.bind("cudnnSetPooling2dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle cudnnPoolingForward = D.bind("cudnnPoolingForward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnPoolingBackward = D.bind("cudnnPoolingBackward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnCreateActivationDescriptor = D.bind("cudnnCreateActivationDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnDestroyActivationDescriptor = D.bind("cudnnDestroyActivationDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle cudnnSetActivationDescriptor = D.bind("cudnnSetActivationDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_DOUBLE));
        static final MethodHandle cudnnActivationForward = D.bind("cudnnActivationForward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnActivationBackward = D.bind("cudnnActivationBackward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnSoftmaxForward = D.bind("cudnnSoftmaxForward", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnSoftmaxBackward = D.bind("cudnnSoftmaxBackward", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle cudnnDeriveBNTensorDescriptor = D.bind("cudnnDeriveBNTensorDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle cudnnBatchNormalizationForwardTraining = D.bind("cudnnBatchNormalizationForwardTraining", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS));
        static final MethodHandle cudnnBatchNormalizationForwardInference = D.bind("cudnnBatchNormalizationForwardInference", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_DOUBLE));
        static final MethodHandle cudnnBatchNormalizationBackward = D.bind("cudnnBatchNormalizationBackward", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS));
    }

    /** {@code cudnnStatus_t cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, void *y, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults, void *workSpace, size_t workSpaceSizeInBytes)} */
    public static int cudnnFindConvolutionForwardAlgorithmEx(MemorySegment handle, MemorySegment xDesc, MemorySegment x, MemorySegment wDesc, MemorySegment w, MemorySegment convDesc, MemorySegment yDesc, MemorySegment y, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults, MemorySegment workspace, long workspaceBytes) {
        try {
            return (int) H.cudnnFindConvolutionForwardAlgorithmEx.invokeExact(handle, xDesc, x, wDesc, w, convDesc, yDesc, y, requestedAlgoCount, returnedAlgoCount, perfResults, workspace, workspaceBytes);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnFindConvolutionForwardAlgorithmEx", t);
        }
    }

    /** {@code cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithmEx(cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, void *dx, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults, void *workSpace, size_t workSpaceSizeInBytes)} */
    public static int cudnnFindConvolutionBackwardDataAlgorithmEx(MemorySegment handle, MemorySegment wDesc, MemorySegment w, MemorySegment dyDesc, MemorySegment dy, MemorySegment convDesc, MemorySegment dxDesc, MemorySegment dx, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults, MemorySegment workspace, long workspaceBytes) {
        try {
            return (int) H.cudnnFindConvolutionBackwardDataAlgorithmEx.invokeExact(handle, wDesc, w, dyDesc, dy, convDesc, dxDesc, dx, requestedAlgoCount, returnedAlgoCount, perfResults, workspace, workspaceBytes);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnFindConvolutionBackwardDataAlgorithmEx", t);
        }
    }

    /** {@code cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithmEx(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *y, const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, void *dw, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults, void *workSpace, size_t workSpaceSizeInBytes)} */
    public static int cudnnFindConvolutionBackwardFilterAlgorithmEx(MemorySegment handle, MemorySegment xDesc, MemorySegment x, MemorySegment dyDesc, MemorySegment dy, MemorySegment convDesc, MemorySegment dwDesc, MemorySegment dw, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults, MemorySegment workspace, long workspaceBytes) {
        try {
            return (int) H.cudnnFindConvolutionBackwardFilterAlgorithmEx.invokeExact(handle, xDesc, x, dyDesc, dy, convDesc, dwDesc, dw, requestedAlgoCount, returnedAlgoCount, perfResults, workspace, workspaceBytes);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnFindConvolutionBackwardFilterAlgorithmEx", t);
        }
    }

    /** {@code cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t aDesc, const void *A, const void *beta, const cudnnTensorDescriptor_t cDesc, void *C)} */
    public static int cudnnAddTensor(MemorySegment handle, MemorySegment alpha, MemorySegment aDesc, MemorySegment a, MemorySegment beta, MemorySegment cDesc, MemorySegment c) {
        try {
            return (int) H.cudnnAddTensor.invokeExact(handle, alpha, aDesc, a, beta, cDesc, c);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnAddTensor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnScaleTensor(cudnnHandle_t handle, const cudnnTensorDescriptor_t yDesc, void *y, const void *alpha)} */
    public static int cudnnScaleTensor(MemorySegment handle, MemorySegment yDesc, MemorySegment y, MemorySegment alpha) {
        try {
            return (int) H.cudnnScaleTensor.invokeExact(handle, yDesc, y, alpha);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnScaleTensor", t);
        }
    }

    /** {@code size_t cudnnGetVersion(void)} */
    public static long cudnnGetVersion() {
        try {
            return (long) H.cudnnGetVersion.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetVersion", t);
        }
    }

    /** {@code const char *cudnnGetErrorString(cudnnStatus_t status)} */
    public static MemorySegment cudnnGetErrorString(int status) {
        try {
            return (MemorySegment) H.cudnnGetErrorString.invokeExact(status);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetErrorString", t);
        }
    }

    /** {@code cudnnStatus_t cudnnCreate(cudnnHandle_t *handle)} */
    public static int cudnnCreate(MemorySegment handle) {
        try {
            return (int) H.cudnnCreate.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnCreate", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDestroy(cudnnHandle_t handle)} */
    public static int cudnnDestroy(MemorySegment handle) {
        try {
            return (int) H.cudnnDestroy.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDestroy", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId)} */
    public static int cudnnSetStream(MemorySegment handle, MemorySegment stream) {
        try {
            return (int) H.cudnnSetStream.invokeExact(handle, stream);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetStream", t);
        }
    }

    /** {@code cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t *tensorDesc)} */
    public static int cudnnCreateTensorDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnCreateTensorDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnCreateTensorDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc)} */
    public static int cudnnDestroyTensorDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnDestroyTensorDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDestroyTensorDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format, cudnnDataType_t dataType, int n, int c, int h, int w)} */
    public static int cudnnSetTensor4dDescriptor(MemorySegment desc, int format, int dataType, int n, int c, int h, int w) {
        try {
            return (int) H.cudnnSetTensor4dDescriptor.invokeExact(desc, format, dataType, n, c, h, w);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetTensor4dDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType, int nbDims, const int dimA[], const int strideA[])} */
    public static int cudnnSetTensorNdDescriptor(MemorySegment desc, int dataType, int nbDims, MemorySegment dims, MemorySegment strides) {
        try {
            return (int) H.cudnnSetTensorNdDescriptor.invokeExact(desc, dataType, nbDims, dims, strides);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetTensorNdDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t *filterDesc)} */
    public static int cudnnCreateFilterDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnCreateFilterDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnCreateFilterDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc)} */
    public static int cudnnDestroyFilterDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnDestroyFilterDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDestroyFilterDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t filterDesc, cudnnDataType_t dataType, cudnnTensorFormat_t format, int k, int c, int h, int w)} */
    public static int cudnnSetFilter4dDescriptor(MemorySegment desc, int dataType, int format, int k, int c, int h, int w) {
        try {
            return (int) H.cudnnSetFilter4dDescriptor.invokeExact(desc, dataType, format, k, c, h, w);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetFilter4dDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t *convDesc)} */
    public static int cudnnCreateConvolutionDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnCreateConvolutionDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnCreateConvolutionDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc)} */
    public static int cudnnDestroyConvolutionDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnDestroyConvolutionDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDestroyConvolutionDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode, cudnnDataType_t computeType)} */
    public static int cudnnSetConvolution2dDescriptor(MemorySegment desc, int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, int mode, int computeType) {
        try {
            return (int) H.cudnnSetConvolution2dDescriptor.invokeExact(desc, padH, padW, strideH, strideW, dilationH, dilationW, mode, computeType);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetConvolution2dDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t convDesc, int groupCount)} */
    public static int cudnnSetConvolutionGroupCount(MemorySegment desc, int groupCount) {
        try {
            return (int) H.cudnnSetConvolutionGroupCount.invokeExact(desc, groupCount);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetConvolutionGroupCount", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t mathType)} */
    public static int cudnnSetConvolutionMathType(MemorySegment desc, int mathType) {
        try {
            return (int) H.cudnnSetConvolutionMathType.invokeExact(desc, mathType);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetConvolutionMathType", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t inputTensorDesc, const cudnnFilterDescriptor_t filterDesc, int *n, int *c, int *h, int *w)} */
    public static int cudnnGetConvolution2dForwardOutputDim(MemorySegment convDesc, MemorySegment inputDesc, MemorySegment filterDesc, MemorySegment n, MemorySegment c, MemorySegment h, MemorySegment w) {
        try {
            return (int) H.cudnnGetConvolution2dForwardOutputDim.invokeExact(convDesc, inputDesc, filterDesc, n, c, h, w);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolution2dForwardOutputDim", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc, const cudnnFilterDescriptor_t filterDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t destDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults)} */
    public static int cudnnGetConvolutionForwardAlgorithm_v7(MemorySegment handle, MemorySegment xDesc, MemorySegment wDesc, MemorySegment convDesc, MemorySegment yDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try {
            return (int) H.cudnnGetConvolutionForwardAlgorithm_v7.invokeExact(handle, xDesc, wDesc, convDesc, yDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolutionForwardAlgorithm_v7", t);
        }
    }

    /** {@code cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults)} */
    public static int cudnnFindConvolutionForwardAlgorithm(MemorySegment handle, MemorySegment xDesc, MemorySegment wDesc, MemorySegment convDesc, MemorySegment yDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try {
            return (int) H.cudnnFindConvolutionForwardAlgorithm.invokeExact(handle, xDesc, wDesc, convDesc, yDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnFindConvolutionForwardAlgorithm", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t handle, const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults)} */
    public static int cudnnGetConvolutionBackwardDataAlgorithm_v7(MemorySegment handle, MemorySegment wDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dxDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try {
            return (int) H.cudnnGetConvolutionBackwardDataAlgorithm_v7.invokeExact(handle, wDesc, dyDesc, convDesc, dxDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolutionBackwardDataAlgorithm_v7", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults)} */
    public static int cudnnGetConvolutionBackwardFilterAlgorithm_v7(MemorySegment handle, MemorySegment xDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dwDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try {
            return (int) H.cudnnGetConvolutionBackwardFilterAlgorithm_v7.invokeExact(handle, xDesc, dyDesc, convDesc, dwDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolutionBackwardFilterAlgorithm_v7", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, cudnnConvolutionFwdAlgo_t algo, size_t *sizeInBytes)} */
    public static int cudnnGetConvolutionForwardWorkspaceSize(MemorySegment handle, MemorySegment xDesc, MemorySegment wDesc, MemorySegment convDesc, MemorySegment yDesc, int algo, MemorySegment sizeInBytes) {
        try {
            return (int) H.cudnnGetConvolutionForwardWorkspaceSize.invokeExact(handle, xDesc, wDesc, convDesc, yDesc, algo, sizeInBytes);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolutionForwardWorkspaceSize", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, cudnnConvolutionBwdDataAlgo_t algo, size_t *sizeInBytes)} */
    public static int cudnnGetConvolutionBackwardDataWorkspaceSize(MemorySegment handle, MemorySegment wDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dxDesc, int algo, MemorySegment sizeInBytes) {
        try {
            return (int) H.cudnnGetConvolutionBackwardDataWorkspaceSize.invokeExact(handle, wDesc, dyDesc, convDesc, dxDesc, algo, sizeInBytes);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolutionBackwardDataWorkspaceSize", t);
        }
    }

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, cudnnConvolutionBwdFilterAlgo_t algo, size_t *sizeInBytes)} */
    public static int cudnnGetConvolutionBackwardFilterWorkspaceSize(MemorySegment handle, MemorySegment xDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dwDesc, int algo, MemorySegment sizeInBytes) {
        try {
            return (int) H.cudnnGetConvolutionBackwardFilterWorkspaceSize.invokeExact(handle, xDesc, dyDesc, convDesc, dwDesc, algo, sizeInBytes);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnGetConvolutionBackwardFilterWorkspaceSize", t);
        }
    }

    /** {@code cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnConvolutionForward(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment wDesc, MemorySegment w, MemorySegment convDesc, int algo, MemorySegment workspace, long workspaceBytes, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try {
            return (int) H.cudnnConvolutionForward.invokeExact(handle, alpha, xDesc, x, wDesc, w, convDesc, algo, workspace, workspaceBytes, beta, yDesc, y);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnConvolutionForward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void *alpha, const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdDataAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnConvolutionBackwardData(MemorySegment handle, MemorySegment alpha, MemorySegment wDesc, MemorySegment w, MemorySegment dyDesc, MemorySegment dy, MemorySegment convDesc, int algo, MemorySegment workspace, long workspaceBytes, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try {
            return (int) H.cudnnConvolutionBackwardData.invokeExact(handle, alpha, wDesc, w, dyDesc, dy, convDesc, algo, workspace, workspaceBytes, beta, dxDesc, dx);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnConvolutionBackwardData", t);
        }
    }

    /** {@code cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdFilterAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const cudnnFilterDescriptor_t dwDesc, void *dw)} */
    public static int cudnnConvolutionBackwardFilter(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment dyDesc, MemorySegment dy, MemorySegment convDesc, int algo, MemorySegment workspace, long workspaceBytes, MemorySegment beta, MemorySegment dwDesc, MemorySegment dw) {
        try {
            return (int) H.cudnnConvolutionBackwardFilter.invokeExact(handle, alpha, xDesc, x, dyDesc, dy, convDesc, algo, workspace, workspaceBytes, beta, dwDesc, dw);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnConvolutionBackwardFilter", t);
        }
    }

    /** {@code cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t dyDesc, const void *dy, const void *beta, const cudnnTensorDescriptor_t dbDesc, void *db)} */
    public static int cudnnConvolutionBackwardBias(MemorySegment handle, MemorySegment alpha, MemorySegment dyDesc, MemorySegment dy, MemorySegment beta, MemorySegment dbDesc, MemorySegment db) {
        try {
            return (int) H.cudnnConvolutionBackwardBias.invokeExact(handle, alpha, dyDesc, dy, beta, dbDesc, db);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnConvolutionBackwardBias", t);
        }
    }

    /** {@code cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t *poolingDesc)} */
    public static int cudnnCreatePoolingDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnCreatePoolingDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnCreatePoolingDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t poolingDesc)} */
    public static int cudnnDestroyPoolingDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnDestroyPoolingDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDestroyPoolingDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor_t poolingDesc, cudnnPoolingMode_t mode, cudnnNanPropagation_t maxpoolingNanOpt, int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride)} */
    public static int cudnnSetPooling2dDescriptor(MemorySegment desc, int mode, int nanOpt, int windowH, int windowW, int padH, int padW, int strideH, int strideW) {
        try {
            return (int) H.cudnnSetPooling2dDescriptor.invokeExact(desc, mode, nanOpt, windowH, windowW, padH, padW, strideH, strideW);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetPooling2dDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnPoolingForward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnPoolingForward(MemorySegment handle, MemorySegment poolDesc, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try {
            return (int) H.cudnnPoolingForward.invokeExact(handle, poolDesc, alpha, xDesc, x, beta, yDesc, y);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnPoolingForward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnPoolingBackward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnPoolingBackward(MemorySegment handle, MemorySegment poolDesc, MemorySegment alpha, MemorySegment yDesc, MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try {
            return (int) H.cudnnPoolingBackward.invokeExact(handle, poolDesc, alpha, yDesc, y, dyDesc, dy, xDesc, x, beta, dxDesc, dx);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnPoolingBackward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t *activationDesc)} */
    public static int cudnnCreateActivationDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnCreateActivationDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnCreateActivationDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t activationDesc)} */
    public static int cudnnDestroyActivationDescriptor(MemorySegment desc) {
        try {
            return (int) H.cudnnDestroyActivationDescriptor.invokeExact(desc);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDestroyActivationDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t activationDesc, cudnnActivationMode_t mode, cudnnNanPropagation_t reluNanOpt, double coef)} */
    public static int cudnnSetActivationDescriptor(MemorySegment desc, int mode, int nanOpt, double coef) {
        try {
            return (int) H.cudnnSetActivationDescriptor.invokeExact(desc, mode, nanOpt, coef);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSetActivationDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnActivationForward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnActivationForward(MemorySegment handle, MemorySegment activationDesc, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try {
            return (int) H.cudnnActivationForward.invokeExact(handle, activationDesc, alpha, xDesc, x, beta, yDesc, y);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnActivationForward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnActivationBackward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnActivationBackward(MemorySegment handle, MemorySegment activationDesc, MemorySegment alpha, MemorySegment yDesc, MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try {
            return (int) H.cudnnActivationBackward.invokeExact(handle, activationDesc, alpha, yDesc, y, dyDesc, dy, xDesc, x, beta, dxDesc, dx);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnActivationBackward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSoftmaxForward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnSoftmaxForward(MemorySegment handle, int algo, int mode, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try {
            return (int) H.cudnnSoftmaxForward.invokeExact(handle, algo, mode, alpha, xDesc, x, beta, yDesc, y);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSoftmaxForward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnSoftmaxBackward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, const cudnnTensorDescriptor_t dyDesc, const void *dy, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnSoftmaxBackward(MemorySegment handle, int algo, int mode, MemorySegment alpha, MemorySegment yDesc, MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try {
            return (int) H.cudnnSoftmaxBackward.invokeExact(handle, algo, mode, alpha, yDesc, y, dyDesc, dy, beta, dxDesc, dx);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnSoftmaxBackward", t);
        }
    }

    /** {@code cudnnStatus_t cudnnDeriveBNTensorDescriptor(cudnnTensorDescriptor_t derivedBnDesc, const cudnnTensorDescriptor_t xDesc, cudnnBatchNormMode_t mode)} */
    public static int cudnnDeriveBNTensorDescriptor(MemorySegment derivedBnDesc, MemorySegment xDesc, int mode) {
        try {
            return (int) H.cudnnDeriveBNTensorDescriptor.invokeExact(derivedBnDesc, xDesc, mode);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnDeriveBNTensorDescriptor", t);
        }
    }

    /** {@code cudnnStatus_t cudnnBatchNormalizationForwardTraining(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alpha, const void *beta, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t yDesc, void *y, const cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void *bnScale, const void *bnBias, double exponentialAverageFactor, void *resultRunningMean, void *resultRunningVariance, double epsilon, void *resultSaveMean, void *resultSaveInvVariance)} */
    public static int cudnnBatchNormalizationForwardTraining(MemorySegment handle, int mode, MemorySegment alpha, MemorySegment beta, MemorySegment xDesc, MemorySegment x, MemorySegment yDesc, MemorySegment y, MemorySegment bnDesc, MemorySegment scale, MemorySegment bias, double exponentialAverageFactor, MemorySegment runningMean, MemorySegment runningVariance, double epsilon, MemorySegment saveMean, MemorySegment saveInvVariance) {
        try {
            return (int) H.cudnnBatchNormalizationForwardTraining.invokeExact(handle, mode, alpha, beta, xDesc, x, yDesc, y, bnDesc, scale, bias, exponentialAverageFactor, runningMean, runningVariance, epsilon, saveMean, saveInvVariance);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnBatchNormalizationForwardTraining", t);
        }
    }

    /** {@code cudnnStatus_t cudnnBatchNormalizationForwardInference(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alpha, const void *beta, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t yDesc, void *y, const cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void *bnScale, const void *bnBias, const void *estimatedMean, const void *estimatedVariance, double epsilon)} */
    public static int cudnnBatchNormalizationForwardInference(MemorySegment handle, int mode, MemorySegment alpha, MemorySegment beta, MemorySegment xDesc, MemorySegment x, MemorySegment yDesc, MemorySegment y, MemorySegment bnDesc, MemorySegment scale, MemorySegment bias, MemorySegment estimatedMean, MemorySegment estimatedVariance, double epsilon) {
        try {
            return (int) H.cudnnBatchNormalizationForwardInference.invokeExact(handle, mode, alpha, beta, xDesc, x, yDesc, y, bnDesc, scale, bias, estimatedMean, estimatedVariance, epsilon);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnBatchNormalizationForwardInference", t);
        }
    }

    /** {@code cudnnStatus_t cudnnBatchNormalizationBackward(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alphaDataDiff, const void *betaDataDiff, const void *alphaParamDiff, const void *betaParamDiff, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t dxDesc, void *dx, const cudnnTensorDescriptor_t dBnScaleBiasDesc, const void *bnScale, void *dBnScaleResult, void *dBnBiasResult, double epsilon, const void *savedMean, const void *savedInvVariance)} */
    public static int cudnnBatchNormalizationBackward(MemorySegment handle, int mode, MemorySegment alphaDataDiff, MemorySegment betaDataDiff, MemorySegment alphaParamDiff, MemorySegment betaParamDiff, MemorySegment xDesc, MemorySegment x, MemorySegment dyDesc, MemorySegment dy, MemorySegment dxDesc, MemorySegment dx, MemorySegment bnDesc, MemorySegment scale, MemorySegment dScale, MemorySegment dBias, double epsilon, MemorySegment savedMean, MemorySegment savedInvVariance) {
        try {
            return (int) H.cudnnBatchNormalizationBackward.invokeExact(handle, mode, alphaDataDiff, betaDataDiff, alphaParamDiff, betaParamDiff, xDesc, x, dyDesc, dy, dxDesc, dx, bnDesc, scale, dScale, dBias, epsilon, savedMean, savedInvVariance);
        } catch (Throwable t) {
            throw Downcalls.failure("cudnnBatchNormalizationBackward", t);
        }
    }

    /** Throws a {@link CudaException} naming {@code function} and the cuDNN status unless it is success. */
    public static void check(int status, String function) {
        if (status != CudaConstants.Cudnn.CUDNN_STATUS_SUCCESS) {
            throw new CudaException(function, status, CudaRuntime.cString(cudnnGetErrorString(status)), null);
        }
    }
}
