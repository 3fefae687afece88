package org.jdnn.optim.schedule;

/** {@code baseLr * gamma^epoch}, as PyTorch's {@code ExponentialLR}. */
public record ExponentialLR(double gamma) implements LrSchedule {
    public ExponentialLR {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("ExponentialLR: gamma must be > 0, got " + gamma);
        }
    }

    @Override
    public double lr(long epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch);
    }
}
