package org.jdnn.ops;

/**
 * A binary arithmetic op. MAX/MIN follow IEEE maximum/minimum of the two float values; division by zero
 * gives +-inf or NaN as in IEEE arithmetic.
 */
public record BinaryParams(BinaryAlgorithm algorithm) {
    public BinaryParams {
        if (algorithm == null) {
            throw new IllegalArgumentException("binary: algorithm is null");
        }
    }

    public static BinaryParams of(BinaryAlgorithm algorithm) {
        return new BinaryParams(algorithm);
    }

    public String opName() {
        return algorithm.opName();
    }
}
