package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

/**
 * Shape and dtype checks shared by the ops that take a dimension and int64 indices (arg-max, gather, scatter,
 * index_select): PyTorch's dimension wrapping, where a rank-0 tensor counts as having one dimension of size 1 (dim 0
 * or -1), and the dtype requirements with messages that name the op and the offending value.
 */
public final class IndexShapes {
    private IndexShapes() {
    }

    /** {@code dim} in [0, max(rank, 1)), as PyTorch wraps it (a rank-0 tensor takes dim 0 and -1). */
    public static int dim(String op, int dim, Shape shape) {
        int rank = Math.max(shape.rank(), 1);
        if (dim < -rank || dim >= rank) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for shape " + shape
                    + " (expected " + -rank + " <= dim < " + rank + ")");
        }
        return dim < 0 ? dim + rank : dim;
    }

    /** The size of {@code dim} ({@link #dim wrapped}); 1 for a rank-0 tensor. */
    public static long size(Shape shape, int dim) {
        return shape.rank() == 0 ? 1 : shape.dim(dim);
    }

    /** The shape with {@code dim} removed, or set to 1 with {@code keepDim}; a rank-0 shape stays rank 0. */
    public static Shape reduced(Shape shape, int dim, boolean keepDim) {
        if (shape.rank() == 0) {
            return shape;
        }
        long[] dims = shape.dims();
        long[] out = new long[keepDim ? dims.length : dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != dim) {
                out[j++] = dims[i];
            } else if (keepDim) {
                out[j++] = 1;
            }
        }
        return Shape.of(out);
    }

    /** Throws unless {@code dtype} is int64 (indices). */
    public static void requireIndex(String op, String name, DType dtype) {
        if (dtype != DType.INT64) {
            throw new IllegalArgumentException(op + ": " + name + " has dtype " + dtype + ", expected int64");
        }
    }

    /** Throws unless {@code dtype} is one of {@code allowed}. */
    public static void requireDType(String op, String name, DType dtype, DType... allowed) {
        for (DType d : allowed) {
            if (d == dtype) {
                return;
            }
        }
        throw new IllegalArgumentException(op + ": " + name + " has dtype " + dtype + ", expected one of "
                + java.util.Arrays.toString(allowed));
    }

    /** Throws unless {@code a} and {@code b} have the same dtype. */
    public static void requireSame(String op, String aName, DType a, String bName, DType b) {
        if (a != b) {
            throw new IllegalArgumentException(op + ": " + aName + " has dtype " + a + " but " + bName + " has dtype "
                    + b + "; convert one with to(dtype)");
        }
    }

    /** The numbers arithmetic ops accumulate: float32, float64 and int64. */
    static final DType[] NUMBERS = {DType.FLOAT32, DType.FLOAT64, DType.INT64};
    /** The floating-point dtypes gradients flow through. */
    static final DType[] FLOATS = {DType.FLOAT32, DType.FLOAT64};
}
