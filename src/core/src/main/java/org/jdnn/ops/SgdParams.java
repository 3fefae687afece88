package org.jdnn.ops;

/**
 * Stochastic gradient descent, PyTorch's formulas: {@code g = maximize ? -grad : grad}; {@code d = g + weightDecay * p};
 * with momentum {@code buf = d} on the first step, then {@code buf = momentum * buf + (1 - dampening) * d}; Nesterov
 * uses {@code d = d + momentum * buf}, otherwise {@code d = buf}; finally {@code p -= lr * d}.
 */
public record SgdParams(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
                        boolean maximize) {
    public SgdParams {
        OptimizerChecks.nonNegative("sgd", "lr", lr);
        OptimizerChecks.nonNegative("sgd", "momentum", momentum);
        OptimizerChecks.nonNegative("sgd", "dampening", dampening);
        OptimizerChecks.nonNegative("sgd", "weight decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
    }

    /** Minimising (no maximize). */
    public SgdParams(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        this(lr, momentum, dampening, nesterov, weightDecay, false);
    }

    /** Plain SGD with learning rate {@code lr}. */
    public static SgdParams of(double lr) {
        return new SgdParams(lr, 0, 0, false, 0);
    }

    public SgdParams withLr(double value) {
        return new SgdParams(value, momentum, dampening, nesterov, weightDecay, maximize);
    }

    public SgdParams withWeightDecay(double value) {
        return new SgdParams(lr, momentum, dampening, nesterov, value, maximize);
    }

    public SgdParams withMomentum(double value, boolean useNesterov) {
        return new SgdParams(lr, value, dampening, useNesterov, weightDecay, maximize);
    }

    public SgdParams withDampening(double value) {
        return new SgdParams(lr, momentum, value, nesterov, weightDecay, maximize);
    }

    /** Ascends instead of descending (PyTorch's {@code maximize=True}): the gradient is negated first. */
    public SgdParams withMaximize(boolean value) {
        return new SgdParams(lr, momentum, dampening, nesterov, weightDecay, value);
    }
}
