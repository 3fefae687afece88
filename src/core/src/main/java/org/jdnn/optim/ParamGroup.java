package org.jdnn.optim;

import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * A set of parameters that share a learning rate and weight decay (PyTorch's param group). Left unset
 * (NaN), both take the optimizer's defaults when the optimizer is built; schedules change {@link #lr()}.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private double lr;
    private double weightDecay;

    private ParamGroup(List<Tensor> params, double lr, double weightDecay) {
        if (params == null) {
            throw new IllegalArgumentException("param group: params is null");
        }
        this.params = List.copyOf(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** A group using the optimizer's learning rate and weight decay. */
    public static ParamGroup of(List<Tensor> params) {
        return new ParamGroup(params, Double.NaN, Double.NaN);
    }

    /** A group with its own learning rate. */
    public static ParamGroup of(List<Tensor> params, double lr) {
        return new ParamGroup(params, lr, Double.NaN);
    }

    /** A group with its own learning rate and weight decay. */
    public static ParamGroup of(List<Tensor> params, double lr, double weightDecay) {
        return new ParamGroup(params, lr, weightDecay);
    }

    public List<Tensor> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("param group: lr must be finite and >= 0, got " + value);
        }
        lr = value;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("param group: weight decay must be finite and >= 0, got " + value);
        }
        weightDecay = value;
    }

    /** Fills unset options with the optimizer's defaults. */
    void resolve(double defaultLr, double defaultWeightDecay) {
        setLr(Double.isNaN(lr) ? defaultLr : lr);
        setWeightDecay(Double.isNaN(weightDecay) ? defaultWeightDecay : weightDecay);
    }
}
