package org.jdnn.optim.schedule;

import org.jdnn.optim.Optimizer;
import org.jdnn.optim.ParamGroup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives an optimizer's learning rates with an {@link LrSchedule}, as PyTorch's schedulers: the base rates are
 * the groups' rates when the scheduler is made, which also sets epoch 0's rates; each {@link #step()} (once per
 * epoch, after {@code optimizer.step()}) moves to the next epoch and sets every group's rate from the closed form.
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double[] baseLrs;
    private long epoch;

    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("lr scheduler: optimizer and schedule are required");
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        List<ParamGroup> groups = optimizer.paramGroups();
        this.baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            baseLrs[i] = groups.get(i).lr();
        }
        apply();
    }

    /** Advances one epoch and updates the learning rates. */
    public void step() {
        epoch++;
        apply();
    }

    /** The current epoch (0 right after construction). */
    public long epoch() {
        return epoch;
    }

    /** The rates last set, one per group. */
    public double[] lastLr() {
        return optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    }

    private void apply() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < baseLrs.length; i++) {
            groups.get(i).setLr(schedule.lr(epoch, baseLrs[i]));
        }
    }

    /** The epoch and base rates. */
    public Map<String, Double> stateDict() {
        Map<String, Double> state = new HashMap<>();
        state.put("last_epoch", (double) epoch);
        for (int i = 0; i < baseLrs.length; i++) {
            state.put("base_lrs." + i, baseLrs[i]);
        }
        return state;
    }

    /** Restores a {@link #stateDict()} and sets the rates for the restored epoch. */
    public void loadStateDict(Map<String, Double> state) {
        Double last = state.get("last_epoch");
        if (last == null) {
            throw new IllegalArgumentException("lr scheduler: state has no last_epoch");
        }
        for (int i = 0; i < baseLrs.length; i++) {
            Double base = state.get("base_lrs." + i);
            if (base == null) {
                throw new IllegalArgumentException("lr scheduler: state has no base_lrs." + i);
            }
            baseLrs[i] = base;
        }
        epoch = last.longValue();
        apply();
    }
}
