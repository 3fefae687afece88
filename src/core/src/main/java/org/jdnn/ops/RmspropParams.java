package org.jdnn.ops;

/**
 * RMSProp, PyTorch's formulas: {@code g = g + weightDecay * p}, {@code sq = alpha * sq + (1 - alpha) * g^2};
 * centered: {@code ga = alpha * ga + (1 - alpha) * g}, {@code avg = sqrt(sq - ga^2) + eps}, otherwise
 * {@code avg = sqrt(sq) + eps}; with momentum {@code buf = momentum * buf + g / avg}, {@code p -= lr * buf},
 * otherwise {@code p -= lr * g / avg}. All buffers start at zero.
 */
public record RmspropParams(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
    public RmspropParams {
        OptimizerChecks.nonNegative("rmsprop", "lr", lr);
        OptimizerChecks.unitInterval("rmsprop", "alpha", alpha);
        OptimizerChecks.nonNegative("rmsprop", "eps", eps);
        OptimizerChecks.nonNegative("rmsprop", "weight decay", weightDecay);
        OptimizerChecks.nonNegative("rmsprop", "momentum", momentum);
    }

    /** PyTorch's defaults with learning rate {@code lr}: alpha 0.99, eps 1e-8, no momentum, not centered. */
    public static RmspropParams of(double lr) {
        return new RmspropParams(lr, 0.99, 1e-8, 0, 0, false);
    }

    public RmspropParams withLr(double value) {
        return new RmspropParams(value, alpha, eps, weightDecay, momentum, centered);
    }

    public RmspropParams withWeightDecay(double value) {
        return new RmspropParams(lr, alpha, eps, value, momentum, centered);
    }

    public RmspropParams withMomentum(double value) {
        return new RmspropParams(lr, alpha, eps, weightDecay, value, centered);
    }

    public RmspropParams withCentered(boolean value) {
        return new RmspropParams(lr, alpha, eps, weightDecay, momentum, value);
    }
}
