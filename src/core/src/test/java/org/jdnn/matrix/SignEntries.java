package org.jdnn.matrix;

import org.jdnn.ops.NoParams;
import org.jdnn.ops.SignOps;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of sign and abs: exact on every backend (no rounding), abs differentiable. Random values are kept
 * at least 0.1 from the kink, farther than the finite-difference step, so the numeric derivative is the true one there;
 * exact zeros of both signs are a sample of their own (the central difference there is 0, as the derivative).
 */
final class SignEntries {
    private SignEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(SignOps.SIGN).tolerance(0, 0).samples(SignEntries::samples)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(SignOps.ABS).tolerance(0, 0).differentiable().finiteDifferences(0.01, 1e-3)
                        .samples(SignEntries::samples)
                        .primitiveOptional((p, in) -> true).build());
    }

    /** Random shapes of rank 0..5, an empty one, zeros of both signs, NaN and the infinities. */
    private static List<Sample<NoParams>> samples(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            long[] shape = Samples.shape(r, rank, 5, 300);
            samples.add(Sample.of("rank " + rank + " " + Arrays.toString(shape), NoParams.INSTANCE,
                    awayFromZero(randn(r, shape))));
        }
        samples.add(Sample.of("zeros of both signs", NoParams.INSTANCE,
                new Sample.Operand(Shape.of(4), new float[] {0f, -0f, 0f, -0f})));
        samples.add(Sample.of("empty [3, 0]", NoParams.INSTANCE, randn(r, 3, 0)));
        samples.add(Sample.of("NaN/+Inf/-Inf", NoParams.INSTANCE, Samples.withSpecials(r, randn(r, 4, 6))));
        return samples;
    }

    /** Moves every value 0.1 farther from 0, keeping its sign. */
    private static Sample.Operand awayFromZero(Sample.Operand operand) {
        float[] values = operand.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] += Math.copySign(0.1f, values[i]);
        }
        return new Sample.Operand(operand.shape(), values);
    }
}
