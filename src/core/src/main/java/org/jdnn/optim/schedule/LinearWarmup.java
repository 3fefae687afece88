package org.jdnn.optim.schedule;

/**
 * Linear warm-up, then another schedule: for {@code epoch < warmupEpochs} the rate rises linearly,
 * {@code baseLr * (startFactor + (1 - startFactor) epoch / warmupEpochs)} (PyTorch's {@code LinearLR} from
 * startFactor to 1); from then on it is {@code after.lr(epoch - warmupEpochs, baseLr)}, as PyTorch's
 * {@code SequentialLR} of the two.
 */
public record LinearWarmup(long warmupEpochs, double startFactor, LrSchedule after) implements LrSchedule {
    public LinearWarmup {
        if (warmupEpochs < 1 || !(startFactor > 0 && startFactor <= 1) || after == null) {
            throw new IllegalArgumentException("LinearWarmup: need warmup epochs >= 1, start factor in (0, 1] and a schedule"
                    + " after it, got " + warmupEpochs + ", " + startFactor + ", " + after);
        }
    }

    /** Warm-up followed by a constant rate. */
    public static LinearWarmup constantAfter(long warmupEpochs, double startFactor) {
        return new LinearWarmup(warmupEpochs, startFactor, (epoch, baseLr) -> baseLr);
    }

    @Override
    public double lr(long epoch, double baseLr) {
        if (epoch < warmupEpochs) {
            return baseLr * (startFactor + (1 - startFactor) * epoch / warmupEpochs);
        }
        return after.lr(epoch - warmupEpochs, baseLr);
    }
}
