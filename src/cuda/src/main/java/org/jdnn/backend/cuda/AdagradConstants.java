package org.jdnn.backend.cuda;

import org.jdnn.ops.AdagradParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

/** The C struct {@code jd_adagrad}: one Adagrad step's constants, in double as ReferenceOptimizers computes them. */
public record AdagradConstants(double clr, double weightDecay, double eps) {
    /** Three doubles: 24 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(JAVA_DOUBLE.withName("clr"),
            JAVA_DOUBLE.withName("weightDecay"), JAVA_DOUBLE.withName("eps"));

    /** The constants of step {@code step} (from 1): clr = lr / (1 + (step - 1) lrDecay). */
    public static AdagradConstants of(AdagradParams params, long step) {
        if (step < 1) {
            throw new IllegalArgumentException("adagrad: step must be >= 1, got " + step);
        }
        return new AdagradConstants(params.lr() / (1 + (step - 1) * params.lrDecay()), params.weightDecay(),
                params.eps());
    }

    public MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        s.set(JAVA_DOUBLE, 0, clr);
        s.set(JAVA_DOUBLE, 8, weightDecay);
        s.set(JAVA_DOUBLE, 16, eps);
        return s;
    }
}
