package org.jdnn.optim.schedule;

/**
 * A learning-rate schedule in closed form: the learning rate at {@code epoch} (0 for the first) for a group
 * whose initial learning rate is {@code baseLr}. {@link LrScheduler} applies one to an optimizer.
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(long epoch, double baseLr);
}
