package org.jdnn.natives;

/** A native library could not be found or loaded; the message says what was looked for, where, and why it failed. */
public final class NativeLibraryException extends RuntimeException {
    public NativeLibraryException(String message) {
        super(message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
