package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/** Axis arguments as PyTorch takes them: negative values count from the end (-1 is the last dimension). */
public final class Axes {
    private Axes() {
    }

    /** {@code axis} in [0, rank); throws naming the op, the axis and the shape when it is out of [-rank, rank). */
    /** Throws IllegalArgumentException "op: name is null" for a missing parameter. */
    public static void requireNonNull(String op, String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }

    public static int normalize(String op, int axis, Shape shape) {
        int rank = shape.rank();
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + shape
                    + " (expected " + (rank == 0 ? "a tensor of rank >= 1" : "-" + rank + " <= axis < " + rank) + ")");
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** The product of the dimensions before {@code axis}: how many slices an op along {@code axis} walks. */
    public static long outerSize(Shape shape, int axis) {
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape.dim(d);
        }
        return outer;
    }

    /** The product of the dimensions after {@code axis}: the stride of {@code axis} in a row-major tensor. */
    public static long innerSize(Shape shape, int axis) {
        long inner = 1;
        for (int d = axis + 1; d < shape.rank(); d++) {
            inner *= shape.dim(d);
        }
        return inner;
    }
}
