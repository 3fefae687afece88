package org.jdnn.ops;

import java.util.Locale;

/**
 * Element-wise comparisons {@code a op b} (with broadcasting) giving 1 where it holds and 0 elsewhere, as IEEE
 * comparisons: every comparison with NaN is false except {@code NE}, which is true.
 */
public enum CompareAlgorithm {
    EQ, NE, LT, LE, GT, GE;

    /** The op name used in messages ("eq", "ne", ...). */
    public String opName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code a op b} holds, IEEE (NaN only NE). Float operands widen exactly, so float32 compares as floats do;
     * every backend's comparison kernels use this one definition.
     */
    public boolean test(double a, double b) {
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }

    /** Whether {@code a op b} holds for integers (int64 compared exactly, not through double). */
    public boolean test(long a, long b) {
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }
}
