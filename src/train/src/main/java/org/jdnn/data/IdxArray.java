package org.jdnn.data;

import java.util.Arrays;

/**
 * The contents of an unsigned-byte IDX file: its dimensions (outermost first) and its elements in row-major
 * order, still as raw bytes (read them with {@code b & 0xFF}).
 *
 * @param source where it was read from, for messages
 * @param dims   the dimension sizes from the header
 * @param data   the elements; {@code data.length} is the product of {@code dims}
 */
public record IdxArray(String source, int[] dims, byte[] data) {
    public IdxArray {
        dims = dims.clone();
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(source + ": negative IDX dimension in " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(source + ": " + data.length + " elements for IDX dimensions "
                    + Arrays.toString(dims));
        }
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code i}. */
    public int dim(int i) {
        return dims[i];
    }
}
