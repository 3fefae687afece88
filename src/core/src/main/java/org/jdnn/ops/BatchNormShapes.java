package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of batch normalization: input (N, C) or (N, C, H, W); scale, shift, mean and variance
 * (C); output and gradients like their primal. Statistics are taken per channel over
 * {@code count = N * H * W} values.
 */
public record BatchNormShapes(long batch, long channels, long spatial, Shape src) {
    private static final String OP = "batchnorm";

    /** Validates the input shape; {@code training} also needs more than one value per channel, as in PyTorch. */
    public static BatchNormShapes infer(Shape src, boolean training) {
        if (src.rank() != 2 && src.rank() != 4) {
            throw new IllegalArgumentException(OP + ": input must be rank 2 (N, C) or 4 (N, C, H, W), got " + src);
        }
        long n = src.dim(0), c = src.dim(1);
        long spatial = src.rank() == 4 ? src.dim(2) * src.dim(3) : 1;
        if (c == 0) {
            throw new IllegalArgumentException(OP + ": input " + src + " has no channels");
        }
        if (training && n * spatial <= 1) {
            throw new IllegalArgumentException(OP + ": training needs more than 1 value per channel, got input " + src);
        }
        return new BatchNormShapes(n, c, spatial, src);
    }

    /** Values per channel the statistics are taken over: N * H * W. */
    public long count() {
        return batch * spatial;
    }

    /** Throws unless the per-channel tensor {@code name} has shape (C). */
    public void checkChannels(String op, String name, Shape shape) {
        if (shape.rank() != 1 || shape.dim(0) != channels) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + shape + " != channels " + channels);
        }
    }

    /** Throws unless {@code name} has the input's shape. */
    public void checkLikeInput(String op, String name, Shape shape) {
        if (!src.equals(shape)) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + shape + " != input shape " + src);
        }
    }
}
