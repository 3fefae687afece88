package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/** The shape rule of element-wise ops: every tensor has the input's shape. */
public final class EltwiseShapes {
    private EltwiseShapes() {
    }

    public static void check(String op, Shape src, Shape other, String otherName) {
        if (!src.equals(other)) {
            throw new IllegalArgumentException(op + ": " + otherName + " shape " + other + " != input shape " + src);
        }
    }
}
