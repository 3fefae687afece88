package org.jdnn.backend.cuda;

import org.jdnn.ops.RmspropParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The C struct {@code jd_rmsprop}: one RMSprop step's constants, in double as ReferenceOptimizers computes them. */
public record RmspropConstants(double lr, double alpha, double oneMinusAlpha, double eps, double weightDecay,
                               double momentum, boolean centered) {
    /** Six doubles, then int32 centered, reserved: 56 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(JAVA_DOUBLE.withName("lr"),
            JAVA_DOUBLE.withName("alpha"), JAVA_DOUBLE.withName("oneMinusAlpha"), JAVA_DOUBLE.withName("eps"),
            JAVA_DOUBLE.withName("weightDecay"), JAVA_DOUBLE.withName("momentum"), JAVA_INT.withName("centered"),
            JAVA_INT.withName("reserved"));

    public static RmspropConstants of(RmspropParams params) {
        return new RmspropConstants(params.lr(), params.alpha(), 1 - params.alpha(), params.eps(),
                params.weightDecay(), params.momentum(), params.centered());
    }

    public MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        double[] values = {lr, alpha, oneMinusAlpha, eps, weightDecay, momentum};
        for (int i = 0; i < values.length; i++) {
            s.set(JAVA_DOUBLE, 8L * i, values[i]);
        }
        s.set(JAVA_INT, 48, centered ? 1 : 0);
        return s;
    }
}
