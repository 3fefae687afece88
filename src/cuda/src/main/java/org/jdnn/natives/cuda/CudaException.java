package org.jdnn.natives.cuda;

/** A CUDA runtime, cuBLAS or cuDNN call returned an error status; the message names the function and the status. */
public final class CudaException extends RuntimeException {
    private final int status;

    public CudaException(String function, int status, String statusName, String description) {
        super(function + ": " + statusName + " (" + status + ")" + (description == null || description.isBlank() ? "" : ": " + description));
        this.status = status;
    }

    /** The raw status code. */
    public int status() {
        return status;
    }
}
