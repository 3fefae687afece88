package org.jdnn.ops;

/**
 * Parameters of batch normalization: {@code epsilon} added to the variance before the square root, and the
 * {@code momentum} of the running statistics, as in PyTorch:
 * {@code running = (1 - momentum) * running + momentum * batchStatistic}, where the running variance takes
 * the unbiased batch variance and normalisation uses the biased one.
 */
public record BatchNormParams(float epsilon, float momentum) {
    /** PyTorch's defaults: epsilon 1e-5, momentum 0.1. */
    public static final BatchNormParams DEFAULT = new BatchNormParams(1e-5f, 0.1f);

    public BatchNormParams {
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("batchnorm: epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchnorm: momentum must be in [0, 1], got " + momentum);
        }
    }
}
