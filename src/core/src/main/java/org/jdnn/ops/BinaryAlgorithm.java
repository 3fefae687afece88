package org.jdnn.ops;

import java.util.Locale;

/** Element-wise binary arithmetic {@code out = a op b} (with broadcasting, see {@link BroadcastShapes}). */
public enum BinaryAlgorithm {
    ADD, SUB, MUL, DIV, MAX, MIN;

    /** The op name used in messages ("add", "sub", ...). */
    public String opName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
