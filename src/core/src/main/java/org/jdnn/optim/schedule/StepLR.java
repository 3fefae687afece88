package org.jdnn.optim.schedule;

/** {@code baseLr * gamma^(epoch / stepSize)} (integer division), as PyTorch's {@code StepLR}. */
public record StepLR(long stepSize, double gamma) implements LrSchedule {
    public StepLR {
        if (stepSize < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("StepLR: step size must be >= 1 and gamma > 0, got " + stepSize + ", " + gamma);
        }
    }

    @Override
    public double lr(long epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
