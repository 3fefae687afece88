package org.jdnn.matrix;

import org.jdnn.ops.CastOps;
import org.jdnn.ops.CastOps.CastParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entry of cast: every pair of float32, float64, int64 and bool, exact on every backend (oneDNN copies
 * float32 to float32 and falls back, declared, for the rest). Floating values are spread to +-5 so that truncation
 * toward zero meets both signs; NaN and the infinities go to every dtype (to int64 they give 0 and saturate, where
 * PyTorch is undefined). The derivative is checked between floating dtypes; other pairs pass no gradient.
 */
final class CastEntries {
    private static final DType[] DTYPES = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL};

    private CastEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(OpInfo.of(CastOps.CAST).tolerance(0, 0).differentiable().finiteDifferences(1e-2, 1e-3)
                .samples(CastEntries::samples).primitiveOptional((p, in) -> true).build());
    }

    private static List<Sample<CastParams>> samples(SplittableRandom r) {
        List<Sample<CastParams>> samples = new ArrayList<>();
        int rank = 0;
        for (DType from : DTYPES) {
            for (DType to : DTYPES) {
                long[] shape = Samples.shape(r, rank++ % 6, 5, 200);
                samples.add(Sample.of(from + " to " + to + " " + Arrays.toString(shape), new CastParams(to),
                        values(r, from, shape)));
            }
        }
        for (DType to : DTYPES) {
            samples.add(Sample.of("float32 NaN/+Inf/-Inf/-0 to " + to, new CastParams(to),
                    new Sample.Operand(Shape.of(6), new float[] {Float.NaN, Float.POSITIVE_INFINITY,
                            Float.NEGATIVE_INFINITY, -0f, -2.5f, 0.75f})).comparedOnly());
        }
        samples.add(Sample.of("empty [3, 0] int64 to float32", new CastParams(DType.FLOAT32),
                values(r, DType.INT64, new long[] {3, 0})));
        samples.add(Sample.of("empty [0] float32 to bool", new CastParams(DType.BOOL), randn(r, 0)));
        samples.add(Sample.rejected("to bfloat16", "target dtype bfloat16 is reserved", new CastParams(DType.BFLOAT16),
                randn(r, 3)));
        samples.add(Sample.rejected("to int32", "target dtype int32 is reserved", new CastParams(DType.INT32),
                values(r, DType.INT64, new long[] {2})));
        return samples;
    }

    /** Values of {@code dtype}: floats in (-5, 5), integers in [-1000, 1000], bools 0/1. */
    private static Sample.Operand values(SplittableRandom r, DType dtype, long[] shape) {
        float[] values = new float[Math.toIntExact(Shape.of(shape).numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case INT64 -> r.nextInt(-1000, 1001);
                case BOOL -> r.nextInt(2);
                default -> (float) (r.nextDouble() * 10 - 5);
            };
        }
        return new Sample.Operand(Shape.of(shape), values, dtype);
    }
}
