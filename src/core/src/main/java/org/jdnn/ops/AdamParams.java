package org.jdnn.ops;

/**
 * Adam and AdamW, PyTorch's formulas at step t (from 1). With {@code maximize} the gradient is negated first. Adam
 * adds L2 to the gradient, {@code g = g + weightDecay * p}; AdamW ({@code decoupled}) instead shrinks the weight
 * first, {@code p *= 1 - lr * weightDecay}. Then {@code m = lerp(m, g, 1 - beta1)},
 * {@code v = beta2 v + (1 - beta2) g^2}; with {@code amsgrad} {@code vMax = max(vMax, v)} replaces v below;
 * {@code p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}.
 *
 * <p>Every scalar constant ({@code 1 - beta1}, {@code 1 - beta2}, the bias corrections, the step size) is computed in
 * double from these doubles before it meets float data, as PyTorch's Python-side arithmetic does.
 */
public record AdamParams(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                         boolean amsgrad, boolean maximize) {
    public AdamParams {
        String op = decoupled ? "adamw" : "adam";
        OptimizerChecks.nonNegative(op, "lr", lr);
        OptimizerChecks.unitInterval(op, "beta1", beta1);
        OptimizerChecks.unitInterval(op, "beta2", beta2);
        OptimizerChecks.nonNegative(op, "eps", eps);
        OptimizerChecks.nonNegative(op, "weight decay", weightDecay);
    }

    /** Without amsgrad and maximize. */
    public AdamParams(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this(lr, beta1, beta2, eps, weightDecay, decoupled, false, false);
    }

    /** Adam with PyTorch's defaults and learning rate {@code lr}: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static AdamParams adam(double lr) {
        return new AdamParams(lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /** AdamW with PyTorch's defaults and learning rate {@code lr}: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public static AdamParams adamW(double lr) {
        return new AdamParams(lr, 0.9, 0.999, 1e-8, 0.01, true);
    }

    public String opName() {
        return decoupled ? "adamw" : "adam";
    }

    public AdamParams withLr(double value) {
        return new AdamParams(value, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize);
    }

    public AdamParams withWeightDecay(double value) {
        return new AdamParams(lr, beta1, beta2, eps, value, decoupled, amsgrad, maximize);
    }

    public AdamParams withBetas(double b1, double b2) {
        return new AdamParams(lr, b1, b2, eps, weightDecay, decoupled, amsgrad, maximize);
    }

    public AdamParams withEps(double value) {
        return new AdamParams(lr, beta1, beta2, value, weightDecay, decoupled, amsgrad, maximize);
    }

    /** AMSGrad (PyTorch's {@code amsgrad=True}): the denominator uses the running maximum of v. */
    public AdamParams withAmsgrad(boolean value) {
        return new AdamParams(lr, beta1, beta2, eps, weightDecay, decoupled, value, maximize);
    }

    /** Ascends instead of descending (PyTorch's {@code maximize=True}): the gradient is negated first. */
    public AdamParams withMaximize(boolean value) {
        return new AdamParams(lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, value);
    }

    /** The same hyper-parameters as AdamW (decoupled weight decay). */
    public AdamParams asDecoupled() {
        return new AdamParams(lr, beta1, beta2, eps, weightDecay, true, amsgrad, maximize);
    }
}
