package org.jdnn.optim.schedule;

import java.util.Arrays;

/** {@code baseLr * gamma^(number of milestones <= epoch)}, as PyTorch's {@code MultiStepLR}. */
public record MultiStepLR(long[] milestones, double gamma) implements LrSchedule {
    public MultiStepLR {
        if (milestones == null || !(gamma > 0)) {
            throw new IllegalArgumentException("MultiStepLR: milestones must be given and gamma > 0, got " + gamma);
        }
        milestones = milestones.clone();
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] <= milestones[i - 1]) {
                throw new IllegalArgumentException("MultiStepLR: milestones must increase, got " + Arrays.toString(milestones));
            }
        }
    }

    @Override
    public long[] milestones() {
        return milestones.clone();
    }

    @Override
    public double lr(long epoch, double baseLr) {
        int passed = 0;
        for (long m : milestones) {
            if (m <= epoch) {
                passed++;
            }
        }
        return baseLr * Math.pow(gamma, passed);
    }
}
