package org.jdnn.optim.schedule;

/**
 * SGDR, as PyTorch's {@code CosineAnnealingWarmRestarts}: cosine annealing from baseLr to etaMin over a period
 * of {@code t0} epochs, restarting at baseLr; each period is {@code tMult} times the previous one.
 */
public record CosineAnnealingWarmRestarts(long t0, long tMult, double etaMin) implements LrSchedule {
    public CosineAnnealingWarmRestarts {
        if (t0 < 1 || tMult < 1 || !(etaMin >= 0)) {
            throw new IllegalArgumentException("CosineAnnealingWarmRestarts: t0 and tMult must be >= 1 and etaMin >= 0, got "
                    + t0 + ", " + tMult + ", " + etaMin);
        }
    }

    @Override
    public double lr(long epoch, double baseLr) {
        // Walk the periods in integers (PyTorch uses a floating log, which is the same away from rounding).
        long start = 0;
        long period = t0;
        while (epoch >= start + period) {
            start += period;
            period *= tMult;
        }
        double tCur = epoch - start;
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * tCur / period)) / 2;
    }
}
