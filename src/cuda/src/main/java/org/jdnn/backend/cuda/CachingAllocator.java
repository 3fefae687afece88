package org.jdnn.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching allocator for one device's memory, as frameworks keep one: a freed block goes back to a free list of its
 * size class and serves the next request of that class, so a training step in steady state calls no cudaMalloc.
 *
 * <p>Sizes round up to a class, a multiple of 512 bytes at most 25% (or, for small requests, 511 bytes) larger than
 * the request. Free lists are kept per stream: work is queued on a stream in order, so a block freed while its stream still
 * has kernels pending on it can only be handed to later work of the same stream. When the raw allocation fails the
 * cache is emptied (every cached block released) and the allocation retried once; if it still fails, the exception
 * names the bytes requested, the device's free bytes and what the allocator held.
 *
 * <p>The raw memory is behind {@link RawMemory} (cudaMalloc/cudaFree on a GPU, a fake in tests). Thread-safe.
 */
final class CachingAllocator {
    /** The smallest block handed out: cuBLAS and cuDNN like 256-byte aligned operands, cudaMalloc gives 256 or more. */
    static final long MIN_BLOCK = 512;

    /** The device memory underneath. */
    interface RawMemory {
        /** A new block of {@code bytes} bytes, or 0 when the device is out of memory. */
        long allocate(long bytes);

        /** Releases a block {@link #allocate} returned. */
        void free(long address);

        /** Waits until every stream's queued work is done (before cached blocks are released). */
        void synchronize();

        /** The device's free bytes now, for the out-of-memory message. */
        long freeBytes();
    }

    /** A snapshot of the counters. */
    record Stats(long liveBlocks, long liveBytes, long cachedBlocks, long cachedBytes, long peakLiveBytes,
                 long rawAllocations, long reuses, long cacheFlushes) {
        @Override
        public String toString() {
            return String.format("%d blocks live (%s, peak %s), %d cached (%s); %d cudaMalloc, %d reuses,"
                            + " %d cache flushes", liveBlocks, mib(liveBytes), mib(peakLiveBytes), cachedBlocks,
                    mib(cachedBytes), rawAllocations, reuses, cacheFlushes);
        }

        private static String mib(long bytes) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
        }
    }

    /** A live block: its class capacity and the stream whose free list takes it back. */
    private record Block(long capacity, Object stream) {
    }

    private record PoolKey(Object stream, long capacity) {
    }

    private final String device;
    private final RawMemory raw;
    private final Map<Long, Block> live = new HashMap<>();
    private final Map<PoolKey, ArrayDeque<Long>> free = new HashMap<>();
    private long liveBytes;
    private long peakLiveBytes;
    private long cachedBlocks;
    private long cachedBytes;
    private long rawAllocations;
    private long reuses;
    private long cacheFlushes;

    CachingAllocator(String device, RawMemory raw) {
        this.device = device;
        this.raw = raw;
    }

    /** The capacity reserved for a request of {@code bytes}: a multiple of 512, at most 25% or 511 bytes above it. */
    static long sizeClass(long bytes) {
        long atLeast = Math.max(bytes, MIN_BLOCK);
        long step = Math.max(MIN_BLOCK, Long.highestOneBit(atLeast) / 4);
        return (atLeast + step - 1) / step * step;
    }

    /** A block of at least {@code bytes} bytes for work queued on {@code stream}; its device address. */
    synchronized long allocate(long bytes, Object stream) {
        if (bytes < 0 || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException(device + " allocator: cannot allocate " + bytes + " bytes");
        }
        long capacity = sizeClass(bytes);
        ArrayDeque<Long> list = free.get(new PoolKey(stream, capacity));
        Long cached = list == null ? null : list.pollLast();
        long address;
        if (cached != null) {
            address = cached;
            cachedBlocks--;
            cachedBytes -= capacity;
            reuses++;
        } else {
            address = raw.allocate(capacity);
            if (address == 0) {
                releaseCache();
                address = raw.allocate(capacity);
            }
            if (address == 0) {
                throw new CudaOutOfMemoryException(device + " out of memory: " + bytes + " bytes requested (block of "
                        + capacity + "), " + raw.freeBytes() + " bytes free on the device, " + liveBytes
                        + " bytes held by live tensors (the cache was emptied and the allocation retried); free "
                        + "tensors (close them or a Scope) or use a smaller batch");
            }
            rawAllocations++;
        }
        live.put(address, new Block(capacity, stream));
        liveBytes += capacity;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return address;
    }

    /** Returns a block to its stream's free list. */
    synchronized void free(long address) {
        Block block = live.remove(address);
        if (block == null) {
            throw new IllegalStateException(device + " allocator: block 0x" + Long.toHexString(address)
                    + " is not live (freed twice, or not from this allocator)");
        }
        liveBytes -= block.capacity();
        free.computeIfAbsent(new PoolKey(block.stream(), block.capacity()), k -> new ArrayDeque<>()).addLast(address);
        cachedBlocks++;
        cachedBytes += block.capacity();
    }

    /** Releases every cached block to the device (after the queued work that may still use them is done). */
    synchronized void releaseCache() {
        if (cachedBlocks == 0) {
            return;
        }
        raw.synchronize();
        for (ArrayDeque<Long> list : free.values()) {
            for (Long address : list) {
                raw.free(address);
            }
        }
        free.clear();
        cachedBlocks = 0;
        cachedBytes = 0;
        cacheFlushes++;
    }

    /** The capacity of a live block (for checks). */
    synchronized long capacity(long address) {
        Block block = live.get(address);
        return block == null ? -1 : block.capacity();
    }

    synchronized Stats stats() {
        return new Stats(live.size(), liveBytes, cachedBlocks, cachedBytes, peakLiveBytes, rawAllocations, reuses,
                cacheFlushes);
    }
}
