package org.jdnn.optim.schedule;

/**
 * {@code etaMin + (baseLr - etaMin) (1 + cos(pi epoch / tMax)) / 2}: PyTorch's {@code CosineAnnealingLR} in
 * its closed form (reaches etaMin at tMax and, past it, rises again along the same cosine).
 */
public record CosineAnnealingLR(long tMax, double etaMin) implements LrSchedule {
    public CosineAnnealingLR {
        if (tMax < 1 || !(etaMin >= 0)) {
            throw new IllegalArgumentException("CosineAnnealingLR: tMax must be >= 1 and etaMin >= 0, got " + tMax + ", " + etaMin);
        }
    }

    @Override
    public double lr(long epoch, double baseLr) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
