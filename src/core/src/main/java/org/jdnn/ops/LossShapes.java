package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of class-index losses, as PyTorch's {@code nll_loss_nd}: input (C) with a rank-0 target, (N, C)
 * with (N), or (N, C, d1, ..., dk) with (N, d1, ..., dk); the input is viewed as (batch, classes, inner) and the
 * target holds {@code batch * inner} class indices. An optional weight is (C).
 */
public record LossShapes(long batch, long classes, long inner, Shape target) {

    /** Validates input, target and weight (may be null) for {@code op}. */
    public static LossShapes infer(String op, Shape input, Shape target, Shape weight) {
        if (input.rank() < 1) {
            throw new IllegalArgumentException(op + ": input must have 1 or more dimensions, got shape " + input);
        }
        long batch = input.rank() == 1 ? 1 : input.dim(0);
        long classes = input.rank() == 1 ? input.dim(0) : input.dim(1);
        long inner = 1;
        for (int i = 2; i < input.rank(); i++) {
            inner *= input.dim(i);
        }
        long[] expected = new long[Math.max(0, input.rank() - 1)];
        for (int i = 0, j = 0; i < input.rank(); i++) {
            if (i != (input.rank() == 1 ? 0 : 1)) {
                expected[j++] = input.dim(i);
            }
        }
        if (input.rank() >= 2 && target.rank() >= 1 && target.dim(0) != batch) {
            throw new IllegalArgumentException(op + ": expected input batch size " + batch + " to match target batch size "
                    + target.dim(0) + " (input " + input + ", target " + target + ")");
        }
        if (!target.equals(Shape.of(expected))) {
            throw new IllegalArgumentException(op + ": target shape " + target + " does not fit input shape " + input
                    + " (expected target shape " + Shape.of(expected) + ")");
        }
        if (weight != null && (weight.rank() != 1 || weight.dim(0) != classes)) {
            throw new IllegalArgumentException(op + ": weight must be defined for all " + classes
                    + " classes or none, got weight shape " + weight);
        }
        return new LossShapes(batch, classes, inner, target);
    }
}
