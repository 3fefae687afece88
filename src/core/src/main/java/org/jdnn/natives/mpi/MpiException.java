package org.jdnn.natives.mpi;

/** An MPI call returned an error code; the message names the C function, MPI's error text and the code. */
public class MpiException extends RuntimeException {
    private final int code;

    public MpiException(String function, int code, String errorText) {
        super(function + " failed: " + errorText + " (MPI error " + code + ")");
        this.code = code;
    }

    protected MpiException(String message) {
        super(message);
        this.code = -1;
    }

    /** MPI's error code, or -1 when the failure was not an error code (a timeout). */
    public int code() {
        return code;
    }
}
