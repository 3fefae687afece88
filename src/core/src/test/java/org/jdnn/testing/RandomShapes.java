package org.jdnn.testing;

import java.util.SplittableRandom;

/** Seeded random shapes for the parity suites: rank 1..4, sizes 1..17, total size capped to keep suites fast. */
public final class RandomShapes {
    private RandomShapes() {
    }

    /** A shape of rank {@code rank} with sizes in 1..17 and at most {@code maxElements} elements. */
    public static long[] shape(SplittableRandom random, int rank, long maxElements) {
        long[] dims = new long[rank];
        long total = 1;
        for (int d = 0; d < rank; d++) {
            long cap = Math.max(1, Math.min(17, maxElements / total));
            dims[d] = 1 + random.nextLong(cap);
            total *= dims[d];
        }
        return dims;
    }

    /**
     * An operand that broadcasts to {@code out}: a random-length suffix of {@code out}'s dims, each randomly
     * replaced by 1.
     */
    public static long[] broadcastOperand(SplittableRandom random, long[] out) {
        int rank = random.nextInt(out.length + 1);
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            long d = out[out.length - rank + i];
            dims[i] = random.nextInt(3) == 0 ? 1 : d;
        }
        return dims;
    }
}
