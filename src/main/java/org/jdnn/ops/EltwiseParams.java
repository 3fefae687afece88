package org.jdnn.ops;

/** An element-wise activation with its parameters (see {@link EltwiseAlgorithm} for what alpha means). */
public record EltwiseParams(EltwiseAlgorithm algorithm, float alpha) {
    public EltwiseParams {
        if (algorithm == null) {
            throw new IllegalArgumentException("eltwise: algorithm is null");
        }
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("eltwise " + algorithm + ": alpha must be finite, got " + alpha);
        }
        if (algorithm == EltwiseAlgorithm.SOFTPLUS && alpha <= 0) {
            throw new IllegalArgumentException("eltwise SOFTPLUS: alpha (beta in PyTorch) must be > 0, got " + alpha);
        }
    }

    public static EltwiseParams relu() {
        return new EltwiseParams(EltwiseAlgorithm.RELU, 0f);
    }

    public static EltwiseParams leakyRelu(float negativeSlope) {
        return new EltwiseParams(EltwiseAlgorithm.RELU, negativeSlope);
    }

    public static EltwiseParams of(EltwiseAlgorithm algorithm) {
        return new EltwiseParams(algorithm, algorithm == EltwiseAlgorithm.ELU || algorithm == EltwiseAlgorithm.SOFTPLUS ? 1f : 0f);
    }
}
