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
}
