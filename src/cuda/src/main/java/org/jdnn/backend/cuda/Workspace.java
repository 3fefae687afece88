package org.jdnn.backend.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Scratch device memory for one library call, from the caching allocator on the thread's stream: freed as soon as
 * the call is queued, since later work on the same stream that reuses the block runs after the call.
 */
final class Workspace implements AutoCloseable {
    private final long address;
    private final long bytes;

    private Workspace(long address, long bytes) {
        this.address = address;
        this.bytes = bytes;
    }

    /** {@code bytes} of scratch (none for 0). */
    static Workspace of(long bytes) {
        if (bytes <= 0) {
            return new Workspace(0, 0);
        }
        return new Workspace(CudaDevice.get().allocator().allocate(bytes, CudaThread.current().stream()), bytes);
    }

    MemorySegment segment() {
        return address == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(address);
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (address != 0) {
            CudaDevice.get().allocator().free(address);
        }
    }
}
