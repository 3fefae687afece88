package org.jdnn.optim.schedule;

import org.jdnn.optim.Optimizer;
import org.jdnn.optim.ParamGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Cuts the learning rate when a metric stops improving, as PyTorch's {@code ReduceLROnPlateau}. A value is an
 * improvement when it beats the best so far by the threshold (relative: {@code a < best (1 - threshold)} in
 * min mode, {@code a > best (1 + threshold)} in max mode; absolute: by {@code threshold}). After more than
 * {@code patience} epochs without one, every rate becomes {@code max(lr * factor, minLr)} (changes under 1e-8
 * are ignored) and {@code cooldown} epochs follow in which bad epochs are not counted.
 */
public final class ReduceLROnPlateau {
    /** Whether the metric should go down (a loss) or up (an accuracy). */
    public enum Mode { MIN, MAX }

    /** Whether the threshold is relative to the best value or absolute. */
    public enum ThresholdMode { REL, ABS }

    private static final double MIN_CHANGE = 1e-8;

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private double best;
    private int badEpochs;
    private int cooldownLeft;
    private long epoch;

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, double minLr) {
        if (optimizer == null || mode == null || thresholdMode == null) {
            throw new IllegalArgumentException("ReduceLROnPlateau: optimizer, mode and threshold mode are required");
        }
        if (!(factor > 0 && factor < 1) || patience < 0 || !(threshold >= 0) || cooldown < 0 || !(minLr >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: need factor in (0, 1), patience >= 0, threshold >= 0,"
                    + " cooldown >= 0, min lr >= 0; got " + factor + ", " + patience + ", " + threshold + ", " + cooldown
                    + ", " + minLr);
        }
        this.optimizer = optimizer;
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** PyTorch's defaults: min mode, factor 0.1, patience 10, threshold 1e-4 relative, no cooldown, min lr 0. */
    public static ReduceLROnPlateau defaults(Optimizer optimizer) {
        return new ReduceLROnPlateau(optimizer, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0);
    }

    /** Records one epoch's metric and reduces the rates if it has plateaued. */
    public void step(double metric) {
        epoch++;
        if (isBetter(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            for (ParamGroup group : optimizer.paramGroups()) {
                double reduced = Math.max(group.lr() * factor, minLr);
                if (group.lr() - reduced > MIN_CHANGE) {
                    group.setLr(reduced);
                }
            }
            cooldownLeft = cooldown;
            badEpochs = 0;
        }
    }

    private boolean isBetter(double a) {
        return switch (mode) {
            case MIN -> thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold) : a < best - threshold;
            case MAX -> thresholdMode == ThresholdMode.REL ? a > best * (1 + threshold) : a > best + threshold;
        };
    }

    public double best() {
        return best;
    }

    public int badEpochs() {
        return badEpochs;
    }

    public Map<String, Double> stateDict() {
        Map<String, Double> state = new HashMap<>();
        state.put("best", best);
        state.put("num_bad_epochs", (double) badEpochs);
        state.put("cooldown_counter", (double) cooldownLeft);
        state.put("last_epoch", (double) epoch);
        return state;
    }

    /** Restores the counters (the rates themselves live in the optimizer's state dict). */
    public void loadStateDict(Map<String, Double> state) {
        for (String key : new String[] {"best", "num_bad_epochs", "cooldown_counter", "last_epoch"}) {
            if (!state.containsKey(key)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: state has no " + key);
            }
        }
        best = state.get("best");
        badEpochs = state.get("num_bad_epochs").intValue();
        cooldownLeft = state.get("cooldown_counter").intValue();
        epoch = state.get("last_epoch").longValue();
    }
}
