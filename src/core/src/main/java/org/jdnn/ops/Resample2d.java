package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/** Checks shared by the 2-d resampling ops (adaptive pooling, upsampling, unpooling) over NCHW input. */
final class Resample2d {
    /** Bound on a requested spatial size, so products of sizes cannot overflow. */
    static final long MAX_SIZE = 1 << 20;

    private Resample2d() {
    }

    static void checkSize(String op, String what, long value) {
        if (value < 1 || value > MAX_SIZE) {
            throw new IllegalArgumentException(op + ": " + what + " must be in [1, " + MAX_SIZE + "], got " + value);
        }
    }

    /** Throws unless {@code input} is rank 4 (N, C, H, W). */
    static void checkRank(String op, Shape input) {
        if (input == null) {
            throw new IllegalArgumentException(op + ": input shape is null");
        }
        if (input.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must be rank 4 (N, C, H, W), got " + input);
        }
    }

    /** Throws unless {@code input} is rank 4 (N, C, H, W) with H, W > 0. */
    static void checkImage(String op, Shape input) {
        checkRank(op, input);
        if (input.dim(2) == 0 || input.dim(3) == 0) {
            throw new IllegalArgumentException(op + ": input spatial size must be > 0, got " + input);
        }
    }
}
