package org.jdnn.natives;

/**
 * The cap on the host allocator's cache of freed blocks. Fixed when the user sets {@code jdnn.host.cacheBytes};
 * otherwise it follows the working set: in steady state a training step frees, at its end, about as much as it held
 * at its peak, and the next step allocates it again, so a cache as large as the peak live bytes serves every step
 * without malloc (a fixed 1 GiB cap made a ResNet-18 step, about 1.5 GB, allocate and page-fault fresh memory every
 * step). The peak is taken over the current and the previous window of {@link #WINDOW_NANOS}, so a smaller working set
 * (a smaller batch, evaluation after training) lowers the cap, and the allocator frees the excess, within two windows.
 * The cap stays between {@link #FLOOR} and the ceiling (half the budget for live plus cached bytes).
 *
 * <p>Not thread-safe: {@link HostMemory} calls it under its lock.
 */
final class CacheCap {
    /** The smallest adaptive cap: small programs keep a small cache. */
    static final long FLOOR = 64L << 20;
    /** How long a peak counts: about 10 s, many steps of even a slow model. */
    static final long WINDOW_NANOS = 10_000_000_000L;

    private final long fixed; // < 0: adaptive
    private final long ceiling;
    private long windowStart;
    private long currentPeak;
    private long previousPeak;

    private CacheCap(long fixed, long ceiling, long now) {
        this.fixed = fixed;
        this.ceiling = ceiling;
        this.windowStart = now;
    }

    static CacheCap fixed(long bytes) {
        return new CacheCap(bytes, bytes, 0);
    }

    /** An adaptive cap under {@code budgetBytes}, the allocator's budget for live plus cached bytes. */
    static CacheCap adaptive(long budgetBytes, long now) {
        return new CacheCap(-1, Math.max(FLOOR, budgetBytes / 2), now);
    }

    boolean isAdaptive() {
        return fixed < 0;
    }

    /**
     * Records the live bytes after an allocation at time {@code now} (nanoseconds); returns whether a window ended,
     * after which the cap may have dropped.
     */
    boolean observe(long liveBytes, long now) {
        if (!isAdaptive()) {
            return false;
        }
        currentPeak = Math.max(currentPeak, liveBytes);
        if (now - windowStart < WINDOW_NANOS) {
            return false;
        }
        previousPeak = currentPeak;
        currentPeak = liveBytes;
        windowStart = now;
        return true;
    }

    /** The most bytes the cache may hold now. */
    long limit() {
        if (!isAdaptive()) {
            return fixed;
        }
        return Math.min(ceiling, Math.max(FLOOR, Math.max(previousPeak, currentPeak)));
    }
}
