package org.jdnn.ops;

import java.util.Locale;

/** The element-wise logical ops on truth values (nonzero is true, NaN included), as PyTorch's {@code logical_*}. */
public enum LogicalAlgorithm {
    AND, OR, XOR;

    /** The op name used in messages ("logical_and", ...). */
    public String opName() {
        return "logical_" + name().toLowerCase(Locale.ROOT);
    }

    /** {@code a op b}. */
    public boolean test(boolean a, boolean b) {
        return switch (this) {
            case AND -> a && b;
            case OR -> a || b;
            case XOR -> a ^ b;
        };
    }
}
