package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * NumPy/PyTorch broadcasting: shapes are aligned at their last dimension, missing leading dimensions count
 * as 1, and each pair of sizes must be equal or contain a 1 (the result takes the other size).
 */
public final class BroadcastShapes {
    private BroadcastShapes() {
    }

    /** The broadcast result of {@code a} and {@code b}; throws "add: shapes [2, 3] and [4] do not broadcast". */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = dimAligned(a, i, rank);
            long db = dimAligned(b, i, rank);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " do not broadcast"
                        + " (dimension " + (i - rank) + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }

    /**
     * {@code shape}'s dims with leading 1s up to {@code rank} (at least 1: oneDNN has no rank-0 memory), the
     * layout a broadcast operand is read with.
     */
    public static long[] padded(Shape shape, int rank) {
        int r = Math.max(Math.max(rank, shape.rank()), 1);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            out[i] = dimAligned(shape, i, r);
        }
        return out;
    }

    /**
     * Checks that {@code target} broadcasts to exactly {@code from}, which is what summing a gradient of shape
     * {@code from} back onto an operand of shape {@code target} ("sum to shape") requires.
     */
    public static void checkReducible(String op, Shape from, Shape target) {
        if (target.rank() > from.rank()) {
            throw new IllegalArgumentException(op + ": target shape " + target + " has more dimensions than " + from);
        }
        int rank = from.rank();
        for (int i = 0; i < rank; i++) {
            long t = dimAligned(target, i, rank);
            if (t != 1 && t != from.dim(i)) {
                throw new IllegalArgumentException(op + ": target shape " + target + " does not broadcast to " + from
                        + " (dimension " + (i - rank) + ": " + t + " vs " + from.dim(i) + ")");
            }
        }
    }

    private static long dimAligned(Shape shape, int i, int rank) {
        int j = i - (rank - shape.rank());
        return j < 0 ? 1 : shape.dim(j);
    }
}
