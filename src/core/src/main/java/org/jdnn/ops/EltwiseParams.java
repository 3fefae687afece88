package org.jdnn.ops;

/**
 * An element-wise function with its parameters (see {@link EltwiseAlgorithm} for what alpha and beta mean): SOFTPLUS
 * takes beta (alpha) and the threshold (beta) above which it is linear; HARDTANH and CLAMP the bounds (alpha, beta);
 * STEP the value at 0 (alpha); POW the exponent (alpha).
 */
public record EltwiseParams(EltwiseAlgorithm algorithm, float alpha, float beta) {
    /** PyTorch's softplus threshold: {@code beta x > 20} gives x. */
    public static final float SOFTPLUS_THRESHOLD = 20f;

    public EltwiseParams {
        if (algorithm == null) {
            throw new IllegalArgumentException("eltwise: algorithm is null");
        }
        boolean infiniteAlpha = algorithm == EltwiseAlgorithm.CLAMP || algorithm == EltwiseAlgorithm.POW;
        if (infiniteAlpha ? Float.isNaN(alpha) : !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("eltwise " + algorithm + ": alpha must be "
                    + (infiniteAlpha ? "a number" : "finite") + ", got " + alpha);
        }
        boolean infiniteBeta = algorithm == EltwiseAlgorithm.CLAMP || algorithm == EltwiseAlgorithm.SOFTPLUS;
        if (infiniteBeta ? Float.isNaN(beta) : !Float.isFinite(beta)) {
            throw new IllegalArgumentException("eltwise " + algorithm + ": beta must be "
                    + (infiniteBeta ? "a number" : "finite") + ", got " + beta);
        }
        if (algorithm == EltwiseAlgorithm.SOFTPLUS && alpha <= 0) {
            throw new IllegalArgumentException("eltwise SOFTPLUS: alpha (beta in PyTorch) must be > 0, got " + alpha);
        }
        if (algorithm == EltwiseAlgorithm.HARDTANH && alpha > beta) {
            throw new IllegalArgumentException("eltwise HARDTANH: min_val " + alpha + " > max_val " + beta);
        }
    }

    /**
     * {@code algorithm} with {@code alpha} and the default beta: SOFTPLUS's threshold 20, HARDTANH's max(alpha, 1)
     * (its max_val, 1 by default, never below the min), 0 for the others.
     */
    public EltwiseParams(EltwiseAlgorithm algorithm, float alpha) {
        this(algorithm, alpha, algorithm == EltwiseAlgorithm.SOFTPLUS ? SOFTPLUS_THRESHOLD
                : algorithm == EltwiseAlgorithm.HARDTANH ? Math.max(alpha, 1f) : 0f);
    }

    public static EltwiseParams relu() {
        return new EltwiseParams(EltwiseAlgorithm.RELU, 0f);
    }

    public static EltwiseParams leakyRelu(float negativeSlope) {
        return new EltwiseParams(EltwiseAlgorithm.RELU, negativeSlope);
    }

    /**
     * {@code algorithm} with PyTorch's default parameters: ELU alpha 1, SOFTPLUS beta 1 and threshold 20, STEP 1 at 0
     * (the perceptron's step), HARDTANH [-1, 1], CLAMP unbounded, POW exponent 1.
     */
    public static EltwiseParams of(EltwiseAlgorithm algorithm) {
        return switch (algorithm) {
            case ELU, SOFTPLUS, STEP, POW -> new EltwiseParams(algorithm, 1f);
            case HARDTANH -> new EltwiseParams(algorithm, -1f, 1f);
            case CLAMP -> new EltwiseParams(algorithm, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            default -> new EltwiseParams(algorithm, 0f);
        };
    }
}
