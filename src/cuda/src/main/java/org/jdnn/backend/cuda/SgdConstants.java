package org.jdnn.backend.cuda;

import org.jdnn.ops.SgdParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The C struct {@code jd_sgd}: one SGD step's constants, computed in double as ReferenceOptimizers computes them. */
public record SgdConstants(double lr, double momentum, double oneMinusDampening, double weightDecay, boolean nesterov,
                           boolean maximize, boolean firstStep) {
    /** 4 doubles, then int32 nesterov, maximize, firstStep, reserved: 48 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(JAVA_DOUBLE.withName("lr"),
            JAVA_DOUBLE.withName("momentum"), JAVA_DOUBLE.withName("oneMinusDampening"),
            JAVA_DOUBLE.withName("weightDecay"), JAVA_INT.withName("nesterov"), JAVA_INT.withName("maximize"),
            JAVA_INT.withName("firstStep"), JAVA_INT.withName("reserved"));

    /** The constants of a step with {@code params}; {@code firstStep} starts the momentum buffer at d. */
    public static SgdConstants of(SgdParams params, boolean firstStep) {
        return new SgdConstants(params.lr(), params.momentum(), 1 - params.dampening(), params.weightDecay(),
                params.nesterov(), params.maximize(), firstStep);
    }

    public MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        s.set(JAVA_DOUBLE, 0, lr);
        s.set(JAVA_DOUBLE, 8, momentum);
        s.set(JAVA_DOUBLE, 16, oneMinusDampening);
        s.set(JAVA_DOUBLE, 24, weightDecay);
        s.set(JAVA_INT, 32, nesterov ? 1 : 0);
        s.set(JAVA_INT, 36, maximize ? 1 : 0);
        s.set(JAVA_INT, 40, firstStep ? 1 : 0);
        return s;
    }
}
