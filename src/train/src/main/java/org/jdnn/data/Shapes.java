package org.jdnn.data;

import java.util.Arrays;

/** Sample-shape checks shared by the datasets. */
final class Shapes {
    private Shapes() {
    }

    /** The number of elements of {@code shape}, which must be non-negative and fit an int. */
    static int sampleSize(String what, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(what + ": negative dimension in sample shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(what + ": sample shape " + Arrays.toString(shape) + " is too large");
            }
        }
        return (int) n;
    }

    static void checkLabels(String what, int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException(what + ": label " + labels[i] + " of sample " + i + " is negative");
            }
        }
    }
}
