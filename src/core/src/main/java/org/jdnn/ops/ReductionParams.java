package org.jdnn.ops;

import java.util.List;

/**
 * A reduction over {@code axes} (negative allowed; an empty list reduces every axis, like PyTorch's
 * {@code x.sum()}); with {@code keepDim} the reduced axes stay as size 1, otherwise they are removed.
 */
public record ReductionParams(ReductionAlgorithm algorithm, List<Integer> axes, boolean keepDim) {
    public ReductionParams {
        if (algorithm == null) {
            throw new IllegalArgumentException("reduction: algorithm is null");
        }
        if (axes == null || axes.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("reduction " + algorithm.opName() + ": axes must be a list of integers, got " + axes);
        }
        axes = List.copyOf(axes);
    }

    public static ReductionParams of(ReductionAlgorithm algorithm, boolean keepDim, int... axes) {
        return new ReductionParams(algorithm, java.util.Arrays.stream(axes).boxed().toList(), keepDim);
    }

    public String opName() {
        return algorithm.opName();
    }
}
