package org.jdnn.natives;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The caching allocator for host (CPU) memory. Freed blocks go back to per-size-class free lists so a
 * training step reuses the previous step's blocks instead of calling malloc; the cache is capped
 * ({@code jdnn.host.cacheBytes}, default 1 GiB) so varying shapes cannot grow it without bound.
 *
 * <p>Blocks are 64-byte aligned (AVX-512 friendly). Sizes are rounded up to a size class at most 25%
 * larger than the request, so a released block serves any later request of the same class.
 */
public final class HostMemory {
    public static final long ALIGNMENT = 64;

    /** A snapshot of the allocator's counters. */
    public record Stats(long liveBlocks, long liveBytes, long cachedBlocks, long cachedBytes, long mallocCalls) {
    }

    private static final long CACHE_LIMIT = Long.getLong("jdnn.host.cacheBytes", 1L << 30);
    private static final Map<Long, ArrayDeque<MemorySegment>> FREE = new HashMap<>();
    private static long liveBlocks;
    private static long liveBytes;
    private static long cachedBlocks;
    private static long cachedBytes;
    private static long mallocCalls;

    private HostMemory() {
    }

    /** The capacity actually reserved for a request of {@code bytes}. */
    static long sizeClass(long bytes) {
        long atLeast = Math.max(bytes, ALIGNMENT);
        long step = Math.max(ALIGNMENT, Long.highestOneBit(atLeast) / 4);
        return (atLeast + step - 1) / step * step;
    }

    /** Allocates {@code bytes} of uninitialised, 64-byte-aligned memory; release it with {@link #release}. */
    public static MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("HostMemory.allocate: negative size " + bytes);
        }
        long capacity = sizeClass(bytes);
        synchronized (FREE) {
            ArrayDeque<MemorySegment> list = FREE.get(capacity);
            MemorySegment block = list == null ? null : list.poll();
            if (block != null) {
                cachedBlocks--;
                cachedBytes -= capacity;
            } else {
                block = LibC.alignedAlloc(ALIGNMENT, capacity);
                if (block.equals(MemorySegment.NULL)) {
                    trimLocked();
                    block = LibC.alignedAlloc(ALIGNMENT, capacity);
                }
                if (block.equals(MemorySegment.NULL)) {
                    throw new OutOfMemoryError("jdnn: cannot allocate " + capacity + " bytes of host memory");
                }
                mallocCalls++;
            }
            liveBlocks++;
            liveBytes += capacity;
            return block.reinterpret(bytes);
        }
    }

    /** Returns a block obtained from {@link #allocate} (with the same size) to the cache. */
    public static void release(MemorySegment segment) {
        long capacity = sizeClass(segment.byteSize());
        MemorySegment block = MemorySegment.ofAddress(segment.address());
        synchronized (FREE) {
            liveBlocks--;
            liveBytes -= capacity;
            if (cachedBytes + capacity > CACHE_LIMIT) {
                LibC.free(block);
                return;
            }
            FREE.computeIfAbsent(capacity, c -> new ArrayDeque<>()).push(block);
            cachedBlocks++;
            cachedBytes += capacity;
        }
    }

    /** Frees every cached (unused) block back to the C library. */
    public static void trim() {
        synchronized (FREE) {
            trimLocked();
        }
    }

    private static void trimLocked() {
        for (ArrayDeque<MemorySegment> list : FREE.values()) {
            for (MemorySegment block : list) {
                LibC.free(block);
            }
        }
        FREE.clear();
        cachedBlocks = 0;
        cachedBytes = 0;
    }

    public static Stats stats() {
        synchronized (FREE) {
            return new Stats(liveBlocks, liveBytes, cachedBlocks, cachedBytes, mallocCalls);
        }
    }
}
