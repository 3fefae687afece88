package org.jdnn.ops;

/**
 * AdaGrad, PyTorch's formulas at step t (from 1): {@code g = g + weightDecay * p},
 * {@code clr = lr / (1 + (t - 1) * lrDecay)}, {@code sum += g^2}, {@code p -= clr * g / (sqrt(sum) + eps)};
 * the sum starts at {@code initialAccumulatorValue}.
 */
public record AdagradParams(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) {
    public AdagradParams {
        OptimizerChecks.nonNegative("adagrad", "lr", lr);
        OptimizerChecks.nonNegative("adagrad", "lr decay", lrDecay);
        OptimizerChecks.nonNegative("adagrad", "weight decay", weightDecay);
        OptimizerChecks.nonNegative("adagrad", "initial accumulator value", initialAccumulatorValue);
        OptimizerChecks.nonNegative("adagrad", "eps", eps);
    }

    /** PyTorch's defaults with learning rate {@code lr}: no decay, eps 1e-10. */
    public static AdagradParams of(double lr) {
        return new AdagradParams(lr, 0, 0, 0, 1e-10);
    }

    public AdagradParams withLr(double value) {
        return new AdagradParams(value, lrDecay, weightDecay, initialAccumulatorValue, eps);
    }

    public AdagradParams withWeightDecay(double value) {
        return new AdagradParams(lr, lrDecay, value, initialAccumulatorValue, eps);
    }
}
