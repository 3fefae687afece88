package org.jdnn.data;

/**
 * A failure of a {@link DataLoader}'s prefetch thread (a dataset read or a transform that threw), thrown on
 * the thread that reads the batches. {@link #getCause()} is the original exception, unchanged.
 */
public class DataLoaderException extends RuntimeException {
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
