package org.jdnn.natives.cuda;

/** CUDA cannot be used in this process; the message says precisely why (which library was not found where, no device, driver too old). */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
