package org.jdnn.backend;

/** A backend was asked for by name but cannot run here; the message says why. */
public final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String name, String reason, Throwable cause) {
        super(name + " unavailable: " + reason, cause);
    }
}
