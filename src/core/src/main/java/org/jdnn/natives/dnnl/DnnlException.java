package org.jdnn.natives.dnnl;

/** A oneDNN call returned a status other than success; the message names the C function and the status. */
public final class DnnlException extends RuntimeException {
    private final int status;

    public DnnlException(String function, int status, String context) {
        super(function + " failed: " + Dnnl.statusName(status) + " (" + status + ")"
                + (context == null || context.isEmpty() ? "" : " for " + context));
        this.status = status;
    }

    public int status() {
        return status;
    }
}
