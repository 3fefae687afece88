package org.jdnn.ops;

/** Argument checks shared by the optimizer params records: each message names the optimizer and the value. */
final class OptimizerChecks {
    private OptimizerChecks() {
    }

    static void nonNegative(String op, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite and >= 0, got " + value);
        }
    }

    static void positive(String op, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite and > 0, got " + value);
        }
    }

    /** A decay factor such as a beta or alpha: in [0, 1). */
    static void unitInterval(String op, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(op + ": " + name + " must be in [0, 1), got " + value);
        }
    }
}
