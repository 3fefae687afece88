package org.jdnn.tensor;

import java.util.Arrays;

/** An immutable list of dimension sizes, row-major (the last dimension varies fastest). */
public final class Shape {
    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** A shape; every size must be >= 0 and their product must fit a long. */
    public static Shape of(long... dims) {
        boolean empty = false;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + ": dimension " + i
                        + " is negative (" + dims[i] + ")");
            }
            empty |= dims[i] == 0;
        }
        if (!empty) {
            // Checked here, once, so that numel() and the sizes computed from it never wrap around.
            try {
                long n = 1;
                for (long d : dims) {
                    n = Math.multiplyExact(n, d);
                }
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims)
                        + ": the number of elements overflows a long");
            }
        }
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code i}; negative {@code i} counts from the end (-1 is the last). */
    public long dim(int i) {
        int index = i < 0 ? dims.length + i : i;
        if (index < 0 || index >= dims.length) {
            throw new IllegalArgumentException("shape " + this + ": no dimension " + i);
        }
        return dims[index];
    }

    public long[] dims() {
        return dims.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d; // cannot overflow: of() checked the product
        }
        return n;
    }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= dims[i];
        }
        return strides;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
