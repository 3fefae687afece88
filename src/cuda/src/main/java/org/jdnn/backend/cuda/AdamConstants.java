package org.jdnn.backend.cuda;

import org.jdnn.ops.AdamParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The C struct {@code jd_adam}: one Adam or AdamW step's constants, each computed in double exactly as
 * ReferenceOptimizers computes it (the bias corrections with Math.pow), so the kernel's arithmetic matches bit for bit.
 */
public record AdamConstants(double lr, double beta1, double beta2, double oneMinusBeta1, double oneMinusBeta2,
                            double lerpComplement, double biasCorrection1, double biasCorrection2, double eps,
                            double weightDecay, double decayFactor, boolean decoupled, boolean amsgrad,
                            boolean maximize) {
    /** 11 doubles, then int32 decoupled, amsgrad, maximize, reserved: 104 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(JAVA_DOUBLE.withName("lr"),
            JAVA_DOUBLE.withName("beta1"), JAVA_DOUBLE.withName("beta2"), JAVA_DOUBLE.withName("oneMinusBeta1"),
            JAVA_DOUBLE.withName("oneMinusBeta2"), JAVA_DOUBLE.withName("lerpComplement"),
            JAVA_DOUBLE.withName("biasCorrection1"), JAVA_DOUBLE.withName("biasCorrection2"),
            JAVA_DOUBLE.withName("eps"), JAVA_DOUBLE.withName("weightDecay"), JAVA_DOUBLE.withName("decayFactor"),
            JAVA_INT.withName("decoupled"), JAVA_INT.withName("amsgrad"), JAVA_INT.withName("maximize"),
            JAVA_INT.withName("reserved"));

    /** The constants of step {@code step} (from 1) with {@code params}. */
    public static AdamConstants of(AdamParams params, long step) {
        if (step < 1) {
            throw new IllegalArgumentException(params.opName() + ": step must be >= 1, got " + step);
        }
        double b1 = params.beta1(), b2 = params.beta2();
        double weight = 1 - b1;
        return new AdamConstants(params.lr(), b1, b2, weight, 1 - b2, 1 - weight, 1 - Math.pow(b1, step),
                1 - Math.pow(b2, step), params.eps(), params.weightDecay(), 1 - params.lr() * params.weightDecay(),
                params.decoupled(), params.amsgrad(), params.maximize());
    }

    public MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        double[] values = {lr, beta1, beta2, oneMinusBeta1, oneMinusBeta2, lerpComplement, biasCorrection1,
            biasCorrection2, eps, weightDecay, decayFactor};
        for (int i = 0; i < values.length; i++) {
            s.set(JAVA_DOUBLE, 8L * i, values[i]);
        }
        s.set(JAVA_INT, 88, decoupled ? 1 : 0);
        s.set(JAVA_INT, 92, amsgrad ? 1 : 0);
        s.set(JAVA_INT, 96, maximize ? 1 : 0);
        return s;
    }
}
