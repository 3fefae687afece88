package org.jdnn.benchmarks.compare;

/**
 * Times a step the same way on both sides: warm-up steps first (at least {@link #MIN_WARMUP_STEPS} and at least
 * {@link #MIN_WARMUP_NANOS} of them, so the JIT and the native libraries' caches settle), then {@code timedSteps}
 * steps back to back; the result is their mean.
 */
public final class StepTimer {
    static final int MIN_WARMUP_STEPS = 5;
    static final long MIN_WARMUP_NANOS = 5_000_000_000L;

    private StepTimer() {
    }

    /** Mean milliseconds per step over {@code timedSteps} steps after the warm-up. */
    public static double meanMillis(Runnable step, int timedSteps) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < MIN_WARMUP_STEPS || System.nanoTime() - warmStart < MIN_WARMUP_NANOS; i++) {
            step.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < timedSteps; i++) {
            step.run();
        }
        return (System.nanoTime() - start) / 1e6 / timedSteps;
    }
}
