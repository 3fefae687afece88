package org.jdnn.matrix;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Op;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Operand values beyond N(0, 1) ({@link Samples}): distinct values (no ties, so a maximum is differentiable and a small
 * finite-difference step never changes which element it is), small integers (ties), and operands computed by the
 * reference (an op's forward result, which a backward op takes as an input).
 */
final class SampleValues {
    private SampleValues() {
    }

    /** The values {@code (i - n/2) * spacing}, i = 0..n-1, shuffled: no two closer than {@code spacing}. */
    static Sample.Operand distinct(SplittableRandom random, double spacing, long... dims) {
        Shape shape = Shape.of(dims);
        int n = Math.toIntExact(shape.numel());
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((i - n / 2) * spacing);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return new Sample.Operand(shape, values);
    }

    /** Integers in [0, {@code levels}): many ties. */
    static Sample.Operand ties(SplittableRandom random, int levels, long... dims) {
        Shape shape = Shape.of(dims);
        float[] values = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(levels);
        }
        return new Sample.Operand(shape, values);
    }

    /** An operand of the given values. */
    static Sample.Operand of(float[] values, long... dims) {
        return new Sample.Operand(Shape.of(dims), values.clone());
    }

    /** {@code operand} with every value set to {@code value}. */
    static Sample.Operand filled(float value, long... dims) {
        float[] values = new float[Math.toIntExact(Shape.of(dims).numel())];
        Arrays.fill(values, value);
        return new Sample.Operand(Shape.of(dims), values);
    }

    /** Output {@code output} of {@code op} on the reference, as an operand (for ops that take a forward's result). */
    static <P> Sample.Operand reference(Op<P> op, P params, int output, Sample.Operand... inputs) {
        try (Scope scope = Scope.open()) {
            Tensor[] tensors = Arrays.stream(inputs).map(o -> o == null ? null : o.tensor()).toArray(Tensor[]::new);
            Tensor[] outputs = Backends.with(Backends.get(Backends.REFERENCE), () -> Dispatch.call(op, params, tensors));
            return new Sample.Operand(outputs[output].shape(), outputs[output].toFloatArray());
        }
    }
}
