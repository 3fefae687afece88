package org.jdnn.natives.cuda;

import org.jdnn.bindings.cudnn.cudnn_h;

/**
 * cuDNN statuses as exceptions. The functions themselves are called through the generated {@code cudnn_h} (cuDNN 9's
 * legacy descriptor API), which finds them once {@link CudaLibraries#load()} has loaded cuDNN. For float tensors,
 * alpha and beta point to host floats.
 */
public final class Cudnn {
    private Cudnn() {
    }

    /** Throws a {@link CudaException} naming {@code function} and the cuDNN status unless it is success. */
    public static void check(int status, String function) {
        if (status != cudnn_h.CUDNN_STATUS_SUCCESS()) {
            throw new CudaException(function, status, CudaRuntime.cString(cudnn_h.cudnnGetErrorString(status)), null);
        }
    }
}
