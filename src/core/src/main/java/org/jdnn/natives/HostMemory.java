package org.jdnn.natives;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The caching allocator for host (CPU) memory. Freed blocks go back to per-size-class free lists so a
 * training step reuses the previous step's blocks instead of calling malloc. The cache is capped: by default at the
 * recent peak of live bytes, so that it holds what a steady-state step needs and returns memory when the working set
 * shrinks ({@link CacheCap}); {@code jdnn.host.cacheBytes} fixes the cap instead.
 *
 * <p>Blocks are 64-byte aligned (AVX-512 friendly). Sizes are rounded up to a size class at most 25%
 * larger than the request, so a released block serves any later request of the same class.
 *
 * <p>Live plus cached bytes stay within a budget ({@code jdnn.host.maxBytes}, default three quarters of the
 * physical memory). An allocation that would pass it first empties the cache, then, as the JDK does for direct
 * buffers, runs the garbage collector and waits with backoff for the cleaner to return the blocks of unreachable
 * tensors, and only then throws {@link OutOfMemoryError}: a loop that forgets to close its tensors runs at the
 * budget instead of growing until the machine runs out.
 */
public final class HostMemory {
    public static final long ALIGNMENT = 64;

    /** A snapshot of the allocator's counters. */
    public record Stats(long liveBlocks, long liveBytes, long cachedBlocks, long cachedBytes, long mallocCalls) {
    }

    /**
     * The allocator's limits: the cap on cached bytes ({@link #ADAPTIVE}: the recent peak of live bytes, see
     * {@link CacheCap}) and the budget for live plus cached bytes.
     */
    public record Limits(long cacheBytes, long budgetBytes) {
        public static final long ADAPTIVE = -1;

        public Limits {
            if ((cacheBytes < 0 && cacheBytes != ADAPTIVE) || budgetBytes <= 0) {
                throw new IllegalArgumentException("HostMemory limits: cache " + cacheBytes
                        + " must be >= 0 (or ADAPTIVE) and budget " + budgetBytes + " > 0");
            }
        }
    }

    /** Backoff sleeps while waiting for the cleaner: 1, 2, 4, ... 256 ms, about half a second in all (as the JDK). */
    private static final int MAX_SLEEPS = 9;

    private static final Map<Long, ArrayDeque<MemorySegment>> FREE = new HashMap<>();
    private static long maxBytes = configuredMaxBytes();
    private static CacheCap cacheCap = configuredCacheCap(maxBytes);
    private static long liveBlocks;
    private static long liveBytes;
    private static long cachedBlocks;
    private static long cachedBytes;
    private static long mallocCalls;

    private HostMemory() {
    }

    private static long configuredMaxBytes() {
        String configured = Settings.value("jdnn.host.maxBytes", "JDNN_HOST_MAX_BYTES");
        if (configured != null) {
            try {
                long value = Long.parseLong(configured);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default; a bad value must not stop the library loading
            }
            System.getLogger(HostMemory.class.getName()).log(System.Logger.Level.WARNING,
                    "jdnn: ignoring jdnn.host.maxBytes '" + configured + "' (not a positive number of bytes)");
        }
        return defaultMaxBytes();
    }

    /** Fixed when {@code jdnn.host.cacheBytes} is set, else adaptive. */
    private static CacheCap configuredCacheCap(long budget) {
        Long fixed = Long.getLong("jdnn.host.cacheBytes");
        if (fixed != null && fixed >= 0) {
            return CacheCap.fixed(fixed);
        }
        if (fixed != null) {
            System.getLogger(HostMemory.class.getName()).log(System.Logger.Level.WARNING,
                    "jdnn: ignoring jdnn.host.cacheBytes " + fixed + " (negative); the cache cap adapts");
        }
        return CacheCap.adaptive(budget, System.nanoTime());
    }

    /**
     * Three quarters of the physical memory (of the container's limit, which the JDK reports in its place): the
     * heap, the JIT and the native libraries need the rest.
     */
    private static long defaultMaxBytes() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                long total = os.getTotalMemorySize();
                if (total > 0) {
                    return total / 4 * 3;
                }
            }
        } catch (RuntimeException | LinkageError ignored) {
            // no management support: no budget
        }
        return Long.MAX_VALUE;
    }

    /** The capacity actually reserved for a request of {@code bytes}. */
    static long sizeClass(long bytes) {
        long atLeast = Math.max(bytes, ALIGNMENT);
        long step = Math.max(ALIGNMENT, Long.highestOneBit(atLeast) / 4);
        return (atLeast + step - 1) / step * step;
    }

    /**
     * Allocates {@code bytes} of uninitialised, 64-byte-aligned memory; release it with {@link #release}. Past
     * the budget it reclaims unreachable tensors first (see the class comment); throws OutOfMemoryError when that
     * does not free enough.
     */
    public static MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("HostMemory.allocate: negative size " + bytes);
        }
        if (bytes > Long.MAX_VALUE / 2) {
            throw outOfMemory(bytes);
        }
        long capacity = sizeClass(bytes);
        if (capacity > maxBytes()) {
            throw outOfMemory(bytes); // no reclaiming can make room for it
        }
        MemorySegment block = tryAllocate(capacity);
        if (block == null) {
            block = allocateAfterReclaiming(capacity, bytes);
        }
        return block.reinterpret(bytes);
    }

    /** Runs the collector so the cleaner frees unreachable tensors, then retries with backoff. */
    private static MemorySegment allocateAfterReclaiming(long capacity, long bytes) {
        System.gc();
        long sleep = 1;
        for (int sleeps = 0; ; sleeps++) {
            MemorySegment block = tryAllocate(capacity);
            if (block != null) {
                return block;
            }
            if (sleeps == MAX_SLEEPS) {
                throw outOfMemory(bytes);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw outOfMemory(bytes);
            }
            sleep <<= 1;
        }
    }

    /** A block from the cache or malloc if the budget allows it, else null. */
    private static MemorySegment tryAllocate(long capacity) {
        synchronized (FREE) {
            if (liveBytes + capacity > maxBytes) {
                return null;
            }
            ArrayDeque<MemorySegment> list = FREE.get(capacity);
            MemorySegment block = list == null ? null : list.poll();
            if (block != null) {
                cachedBlocks--;
                cachedBytes -= capacity;
            } else {
                if (liveBytes + cachedBytes + capacity > maxBytes) {
                    trimLocked();
                }
                block = LibC.alignedAlloc(ALIGNMENT, capacity);
                if (block.equals(MemorySegment.NULL)) {
                    trimLocked();
                    block = LibC.alignedAlloc(ALIGNMENT, capacity);
                }
                if (block.equals(MemorySegment.NULL)) {
                    return null;
                }
                mallocCalls++;
            }
            liveBlocks++;
            liveBytes += capacity;
            if (cacheCap.observe(liveBytes, System.nanoTime())) {
                trimTo(cacheCap.limit());
            }
            return block;
        }
    }

    private static OutOfMemoryError outOfMemory(long bytes) {
        Stats s = stats();
        return new OutOfMemoryError("jdnn: cannot allocate " + bytes + " bytes of host memory: live tensors hold "
                + s.liveBytes() + " bytes of the " + maxBytes() + "-byte budget (jdnn.host.maxBytes); close tensors"
                + " or use a Scope");
    }

    /** Returns a block obtained from {@link #allocate} (with the same size) to the cache. */
    public static void release(MemorySegment segment) {
        long capacity = sizeClass(segment.byteSize());
        MemorySegment block = MemorySegment.ofAddress(segment.address());
        synchronized (FREE) {
            liveBlocks--;
            liveBytes -= capacity;
            long limit = Math.min(cacheCap.limit(), maxBytes - liveBytes);
            if (capacity > limit) {
                LibC.free(block);
                return;
            }
            // Room for it first: a block just freed is likelier to be asked for again than the cached ones of other
            // sizes (left from an earlier phase, say), which would otherwise keep a step's blocks out for good.
            trimTo(limit - capacity, capacity);
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

    /** Frees cached blocks, the largest first, until the cache holds at most {@code limit} bytes. */
    private static void trimTo(long limit) {
        trimTo(limit, -1);
    }

    /**
     * Frees cached blocks until the cache holds at most {@code limit} bytes: those of other sizes than
     * {@code keep} first, the largest first.
     */
    private static void trimTo(long limit, long keep) {
        if (cachedBytes <= limit) {
            return;
        }
        Long[] classes = FREE.keySet().toArray(Long[]::new);
        Arrays.sort(classes, Comparator.comparing((Long c) -> c == keep).thenComparing(Comparator.reverseOrder()));
        for (Long capacity : classes) {
            ArrayDeque<MemorySegment> list = FREE.get(capacity);
            while (cachedBytes > limit && !list.isEmpty()) {
                LibC.free(list.pop());
                cachedBlocks--;
                cachedBytes -= capacity;
            }
            if (list.isEmpty()) {
                FREE.remove(capacity);
            }
            if (cachedBytes <= limit) {
                return;
            }
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

    /** The budget for live plus cached bytes ({@code jdnn.host.maxBytes}). */
    public static long maxBytes() {
        synchronized (FREE) {
            return maxBytes;
        }
    }

    /** The cap on cached bytes now: fixed ({@code jdnn.host.cacheBytes}) or the recent peak of live bytes. */
    public static long cacheLimit() {
        synchronized (FREE) {
            return cacheCap.limit();
        }
    }

    /** The limits in force, for {@link #configure(Limits)} to restore. */
    public static Limits limits() {
        synchronized (FREE) {
            return new Limits(cacheCap.isAdaptive() ? Limits.ADAPTIVE : cacheCap.limit(), maxBytes);
        }
    }

    /**
     * Changes the cache cap and the budget at run time (tests use it to run with the cache off, full, or a small
     * budget); trims the cache if it is over the new cap.
     */
    public static void configure(long cacheBytes, long budgetBytes) {
        configure(new Limits(cacheBytes, budgetBytes));
    }

    /** Changes the limits at run time; trims the cache if it is over the new cap. */
    public static void configure(Limits limits) {
        synchronized (FREE) {
            maxBytes = limits.budgetBytes();
            cacheCap = limits.cacheBytes() == Limits.ADAPTIVE
                    ? CacheCap.adaptive(maxBytes, System.nanoTime()) : CacheCap.fixed(limits.cacheBytes());
            trimTo(cacheCap.limit());
        }
    }
}
