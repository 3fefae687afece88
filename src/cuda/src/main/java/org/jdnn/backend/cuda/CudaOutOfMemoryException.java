package org.jdnn.backend.cuda;

/** The GPU has no room for a block even after the allocator released its cache; the message gives the numbers. */
public final class CudaOutOfMemoryException extends RuntimeException {
    public CudaOutOfMemoryException(String message) {
        super(message);
    }
}
