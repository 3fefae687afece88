package org.jdnn.backend.cuda;

import org.jdnn.natives.cuda.CudaRuntime;

import java.lang.foreign.MemorySegment;

/**
 * One thread's page-locked (pinned) host buffer for copies between Java memory and the device: the DMA engine
 * reads and writes pinned memory directly, where a copy from pageable memory is staged by the driver anyway. A
 * copy larger than the buffer goes through it in chunks ({@link #chunks}).
 *
 * <p>Ordering: a chunk copied up is queued on the thread's stream and followed by an event; the buffer is written
 * again only after that event, and an upload waits for its last event before it returns, so the device memory is
 * complete for any stream that uses it next. A download queues its copy behind the stream's kernels and
 * synchronises the stream before the host reads the buffer: that is the one wait a host read needs.
 */
final class PinnedStaging {
    /** The largest buffer per thread: {@code -Djdnn.cuda.stagingBytes}, default 16 MiB. */
    static final long CAPACITY = Math.max(4096, Long.getLong("jdnn.cuda.stagingBytes", 16L << 20));
    private static final long MIN_BUFFER = 64 << 10;

    private final MemorySegment stream;
    private MemorySegment buffer;
    private MemorySegment event;
    private boolean pending;

    PinnedStaging(MemorySegment stream) {
        this.stream = stream;
    }

    /** The (offset, length) pieces of a copy of {@code total} bytes through a buffer of {@code capacity} bytes. */
    static long[][] chunks(long total, long capacity) {
        if (total < 0 || capacity <= 0) {
            throw new IllegalArgumentException("staging: cannot split " + total + " bytes into chunks of " + capacity);
        }
        int count = (int) Math.ceilDiv(total, capacity);
        long[][] pieces = new long[count][];
        for (int i = 0; i < count; i++) {
            long offset = i * capacity;
            pieces[i] = new long[] {offset, Math.min(capacity, total - offset)};
        }
        return pieces;
    }

    /** The buffer size for a copy of {@code bytes}: the copy if it fits the capacity, at least 64 KiB. */
    static long bufferSize(long bytes) {
        return Math.min(CAPACITY, Math.max(MIN_BUFFER, bytes));
    }

    /** Copies {@code host} into the device memory at {@code device}; complete on the device when this returns. */
    void upload(MemorySegment host, MemorySegment device) {
        long total = host.byteSize();
        if (total == 0) {
            return;
        }
        MemorySegment staging = buffer(total);
        for (long[] chunk : chunks(total, staging.byteSize())) {
            awaitPending();
            MemorySegment.copy(host, chunk[0], staging, 0, chunk[1]);
            CudaRuntime.copyToDeviceAsync(staging, DevicePointer.at(device, chunk[0]), chunk[1], stream);
            recordPending();
        }
        awaitPending();
    }

    /** Copies {@code host.byteSize()} bytes from {@code device} at {@code offset} into {@code host}. */
    void download(MemorySegment device, long offset, MemorySegment host) {
        long total = host.byteSize();
        if (total == 0) {
            return;
        }
        MemorySegment staging = buffer(total);
        awaitPending();
        for (long[] chunk : chunks(total, staging.byteSize())) {
            CudaRuntime.copyToHostAsync(DevicePointer.at(device, offset + chunk[0]), staging, chunk[1], stream);
            CudaRuntime.streamSynchronize(stream); // the kernels before it and the copy itself are done
            MemorySegment.copy(staging, 0, host, chunk[0], chunk[1]);
        }
    }

    /** Sets {@code bytes} bytes at {@code device} to {@code element} repeated ({@code bytes} a multiple of its size). */
    void fill(MemorySegment device, long bytes, byte[] element) {
        if (bytes == 0) {
            return;
        }
        long size = element.length;
        MemorySegment staging = buffer(bytes);
        long usable = Math.max(size, staging.byteSize() / size * size);
        awaitPending();
        MemorySegment pattern = MemorySegment.ofArray(element);
        for (long at = 0; at < Math.min(usable, bytes); at += size) {
            MemorySegment.copy(pattern, 0, staging, at, size);
        }
        for (long[] chunk : chunks(bytes, usable)) {
            CudaRuntime.copyToDeviceAsync(staging, DevicePointer.at(device, chunk[0]), chunk[1], stream);
        }
        recordPending();
        awaitPending();
    }

    private MemorySegment buffer(long bytes) {
        long wanted = bufferSize(bytes);
        if (buffer == null || buffer.byteSize() < wanted) {
            awaitPending();
            if (buffer != null) {
                CudaRuntime.freeHost(buffer);
                buffer = null;
            }
            buffer = CudaRuntime.mallocHost(wanted);
        }
        return buffer;
    }

    private void recordPending() {
        if (event == null) {
            event = CudaRuntime.eventCreate();
        }
        CudaRuntime.eventRecord(event, stream);
        pending = true;
    }

    private void awaitPending() {
        if (pending) {
            CudaRuntime.eventSynchronize(event);
            pending = false;
        }
    }
}
