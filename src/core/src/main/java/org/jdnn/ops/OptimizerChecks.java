package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * Argument checks shared by the optimizer params records and the update ops' shape rules: each message names the
 * optimizer and the value.
 */
final class OptimizerChecks {
    /** The family of the update ops, for the kill switch ({@code jdnn.onednn.disable=optimizer}) and reports. */
    static final String FAMILY = "optimizer";

    private static final Shape[] NO_OUTPUTS = new Shape[0];

    private OptimizerChecks() {
    }

    /**
     * The shape rule of an update: grad and every present state (named by {@code names}, param first) have param's
     * shape; an update has no outputs.
     */
    static Shape[] update(String op, Shape[] in, String... names) {
        for (int i = 1; i < in.length; i++) {
            if (in[i] != null && !in[i].equals(in[0])) {
                throw new IllegalArgumentException(op + ": " + names[i] + " shape " + in[i] + " != param shape " + in[0]);
            }
        }
        return NO_OUTPUTS;
    }

    /** Throws unless the optional state {@code name} is present exactly when {@code needed}. */
    static void optionalState(String op, String name, Shape state, boolean needed, String why) {
        if (needed && state == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null but is needed when " + why);
        }
        if (!needed && state != null) {
            throw new IllegalArgumentException(op + ": " + name + " is given but is only used when " + why);
        }
    }

    /** Steps count from 1. */
    static void step(String op, long step) {
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step must be >= 1, got " + step);
        }
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
