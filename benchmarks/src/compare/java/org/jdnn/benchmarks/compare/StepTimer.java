package org.jdnn.benchmarks.compare;

/**
 * Times a step the same way on both sides: the workload's warm-up steps first, continued until at least
 * {@link #MIN_WARMUP_NANOS} have passed (so the JIT and the native libraries' caches settle even for a
 * millisecond step), then the timed steps back to back; the result is their mean.
 */
public final class StepTimer {
    static final long MIN_WARMUP_NANOS = 5_000_000_000L;

    /** A training step or inference batch; returns the loss (or a logit) so that the work is consumed. */
    @FunctionalInterface
    public interface Step {
        float run();
    }

    /** Mean milliseconds per timed step, and the values of the first warm-up step and of the last timed step. */
    public record Timing(double meanMillis, float firstValue, float lastValue) {
    }

    private StepTimer() {
    }

    public static Timing time(Step step, int warmupSteps, int timedSteps) {
        long warmStart = System.nanoTime();
        float first = step.run();
        for (int i = 1; i < warmupSteps || System.nanoTime() - warmStart < MIN_WARMUP_NANOS; i++) {
            step.run();
        }
        float last = Float.NaN;
        long start = System.nanoTime();
        for (int i = 0; i < timedSteps; i++) {
            last = step.run();
        }
        return new Timing((System.nanoTime() - start) / 1e6 / timedSteps, first, last);
    }
}
