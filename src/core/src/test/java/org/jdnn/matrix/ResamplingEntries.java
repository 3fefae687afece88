package org.jdnn.matrix;

import org.jdnn.ops.AdaptivePool2dOps;
import org.jdnn.ops.MaxUnpool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.ops.Upsample2dOps;
import org.jdnn.ops.Upsample2dParams;
import org.jdnn.ops.UpsampleMode;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the 2-d resampling ops: adaptive average pooling (oneDNN's pooling where the sizes divide,
 * else a declared fallback), upsampling (nearest, bilinear with and without align_corners, by size or scale; a Java
 * loop on every backend), max pooling's indices (int64, exact) and max unpooling (scatter; its backward a gather). Adaptive
 * pooling, upsampling and unpooling are linear in their input, so their dot-product tests are exact.
 */
final class ResamplingEntries {
    private static final double SPACING = 0.05;

    private ResamplingEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(AdaptivePool2dOps.FORWARD).tolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(ResamplingEntries::adaptiveSamples)
                        .reductions((p, in) -> new long[] {in[0].dim(2) * in[0].dim(3)},
                                (p, in) -> new long[] {in[0].dim(2) * in[0].dim(3)})
                        .primitiveOptional((p, in) -> in[0].numel() == 0)
                        .build(),
                OpInfo.of(AdaptivePool2dOps.BACKWARD).tolerance(1e-5, 1e-6)
                        .samples(ResamplingEntries::adaptiveBackwardSamples)
                        .reductions((p, in) -> new long[] {p.pool().outH() * p.pool().outW()}, null)
                        .primitiveOptional((p, in) -> p.input().numel() == 0)
                        .build(),
                OpInfo.of(Upsample2dOps.FORWARD).tolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(ResamplingEntries::upsampleSamples)
                        .reductions((p, in) -> new long[] {4}, (p, in) -> new long[] {64})
                        .primitiveOptional((p, in) -> true)
                        .build(),
                OpInfo.of(Upsample2dOps.BACKWARD).tolerance(1e-5, 1e-6)
                        .samples(ResamplingEntries::upsampleBackwardSamples)
                        .reductions((p, in) -> new long[] {64}, null)
                        .primitiveOptional((p, in) -> true)
                        .build(),
                OpInfo.of(MaxUnpool2dOps.INDICES).tolerance(0, 0)
                        .samples(ResamplingEntries::indicesSamples)
                        .primitiveOptional((p, in) -> true)
                        .build(),
                OpInfo.of(MaxUnpool2dOps.UNPOOL).tolerance(0, 0).differentiable().affine()
                        .samples(ResamplingEntries::unpoolSamples)
                        .primitiveOptional((p, in) -> true)
                        .build(),
                OpInfo.of(MaxUnpool2dOps.UNPOOL_BACKWARD).tolerance(0, 0)
                        .samples(ResamplingEntries::unpoolBackwardSamples)
                        .primitiveOptional((p, in) -> true)
                        .build());
    }

    // ---- adaptive average pooling ----

    private record AdaptiveCase(String name, AdaptivePool2dOps.Params params, long[] shape) {
        String label() {
            return name + ": " + Arrays.toString(shape) + " -> " + params.outH() + "x" + params.outW();
        }
    }

    private static List<AdaptiveCase> adaptiveCases(SplittableRandom r) {
        List<AdaptiveCase> cases = new ArrayList<>(List.of(
                new AdaptiveCase("divisible", new AdaptivePool2dOps.Params(4, 2), new long[] {2, 3, 8, 6}),
                new AdaptiveCase("global (ResNet head)", AdaptivePool2dOps.Params.of(1), new long[] {2, 5, 7, 7}),
                new AdaptiveCase("uneven, overlapping windows", new AdaptivePool2dOps.Params(3, 2), new long[] {1, 2, 7, 5}),
                new AdaptiveCase("output larger than input", AdaptivePool2dOps.Params.of(5), new long[] {1, 2, 3, 3}),
                new AdaptiveCase("identity size", new AdaptivePool2dOps.Params(4, 5), new long[] {1, 3, 4, 5}),
                new AdaptiveCase("one row", new AdaptivePool2dOps.Params(1, 4), new long[] {3, 2, 1, 13}),
                new AdaptiveCase("empty batch", AdaptivePool2dOps.Params.of(2), new long[] {0, 3, 4, 4})));
        for (int i = 0; i < 16; i++) {
            long h = 1 + r.nextInt(12), w = 1 + r.nextInt(12);
            long oh = 1 + r.nextInt((int) h + 2), ow = 1 + r.nextInt((int) w + 2);
            if (i % 3 == 0) { // a divisible one: the oneDNN path
                oh = divisor(r, h);
                ow = divisor(r, w);
            }
            cases.add(new AdaptiveCase("random " + i, new AdaptivePool2dOps.Params(oh, ow),
                    new long[] {1 + r.nextInt(3), 1 + r.nextInt(5), h, w}));
        }
        return cases;
    }

    private static long divisor(SplittableRandom r, long n) {
        List<Long> divisors = new ArrayList<>();
        for (long d = 1; d <= n; d++) {
            if (n % d == 0) {
                divisors.add(d);
            }
        }
        return divisors.get(r.nextInt(divisors.size()));
    }

    private static List<Sample<AdaptivePool2dOps.Params>> adaptiveSamples(SplittableRandom r) {
        List<Sample<AdaptivePool2dOps.Params>> samples = new ArrayList<>();
        for (AdaptiveCase c : adaptiveCases(r)) {
            samples.add(Sample.of(c.label(), c.params(), randn(r, c.shape())));
        }
        samples.add(Sample.of("NaN/+Inf/-Inf, uneven", new AdaptivePool2dOps.Params(3, 2),
                Samples.withSpecials(r, randn(r, 2, 2, 7, 5))));
        samples.add(Sample.of("NaN/+Inf/-Inf, divisible", AdaptivePool2dOps.Params.of(2),
                Samples.withSpecials(r, randn(r, 2, 2, 6, 4))));
        samples.add(Sample.rejected("rank-3 input", "must be rank 4", AdaptivePool2dOps.Params.of(2), randn(r, 3, 4, 4)));
        samples.add(Sample.rejected("empty image", "spatial size must be > 0", AdaptivePool2dOps.Params.of(2),
                randn(r, 1, 2, 0, 4)));
        return samples;
    }

    private static List<Sample<AdaptivePool2dOps.BackwardParams>> adaptiveBackwardSamples(SplittableRandom r) {
        List<Sample<AdaptivePool2dOps.BackwardParams>> samples = new ArrayList<>();
        for (AdaptiveCase c : adaptiveCases(r)) {
            Shape out = AdaptivePool2dOps.output("test", c.params(), Shape.of(c.shape()));
            samples.add(Sample.of(c.label(), new AdaptivePool2dOps.BackwardParams(c.params(), Shape.of(c.shape())),
                    randn(r, out.dims())));
        }
        samples.add(Sample.rejected("gradOutput of the wrong size", "gradOutput shape",
                new AdaptivePool2dOps.BackwardParams(AdaptivePool2dOps.Params.of(2), Shape.of(1, 2, 4, 4)),
                randn(r, 1, 2, 3, 2)));
        return samples;
    }

    // ---- upsampling ----

    private record UpsampleCase(String name, Upsample2dParams params, long[] shape) {
        String label() {
            Upsample2dParams p = params;
            return name + ": " + p.mode().name().toLowerCase() + " " + Arrays.toString(shape)
                    + (p.sized() ? " to " + p.outH() + "x" + p.outW() : " by " + p.scaleH() + "x" + p.scaleW())
                    + (p.alignCorners() ? " align corners" : "");
        }
    }

    private static List<UpsampleCase> upsampleCases(SplittableRandom r) {
        UpsampleMode nearest = UpsampleMode.NEAREST, bilinear = UpsampleMode.BILINEAR;
        List<UpsampleCase> cases = new ArrayList<>(List.of(
                new UpsampleCase("x2", Upsample2dParams.nearest(2), new long[] {2, 3, 4, 5}),
                new UpsampleCase("x3 by size", Upsample2dParams.size(nearest, 9, 6, false), new long[] {1, 2, 3, 2}),
                new UpsampleCase("uneven size", Upsample2dParams.size(nearest, 7, 9, false), new long[] {1, 2, 4, 5}),
                new UpsampleCase("down", Upsample2dParams.size(nearest, 2, 3, false), new long[] {1, 1, 5, 7}),
                new UpsampleCase("scale 1.5", Upsample2dParams.scale(nearest, 1.5, 1.7, false), new long[] {1, 2, 5, 4}),
                new UpsampleCase("x2", Upsample2dParams.bilinear(2, false), new long[] {2, 3, 4, 5}),
                new UpsampleCase("x2", Upsample2dParams.bilinear(2, true), new long[] {2, 3, 4, 5}),
                new UpsampleCase("uneven size", Upsample2dParams.size(bilinear, 7, 3, false), new long[] {1, 2, 4, 5}),
                new UpsampleCase("uneven size", Upsample2dParams.size(bilinear, 7, 3, true), new long[] {1, 2, 4, 5}),
                new UpsampleCase("to one pixel", Upsample2dParams.size(bilinear, 1, 1, true), new long[] {1, 2, 3, 4}),
                new UpsampleCase("from one pixel", Upsample2dParams.size(bilinear, 3, 3, false), new long[] {1, 2, 1, 1}),
                new UpsampleCase("scale 1.5", Upsample2dParams.scale(bilinear, 1.5, 2.5, false), new long[] {1, 2, 5, 3}),
                new UpsampleCase("down", Upsample2dParams.size(bilinear, 3, 2, false), new long[] {1, 1, 7, 5}),
                new UpsampleCase("empty batch", Upsample2dParams.nearest(2), new long[] {0, 3, 4, 4})));
        for (int i = 0; i < 12; i++) {
            UpsampleMode mode = r.nextBoolean() ? nearest : bilinear;
            boolean align = mode == bilinear && r.nextBoolean();
            long h = 1 + r.nextInt(8), w = 1 + r.nextInt(8);
            Upsample2dParams p = r.nextBoolean()
                    ? Upsample2dParams.size(mode, 1 + r.nextInt(12), 1 + r.nextInt(12), align)
                    : Upsample2dParams.scale(mode, 1 + r.nextInt(3), 1 + r.nextInt(3), align);
            cases.add(new UpsampleCase("random " + i, p, new long[] {1 + r.nextInt(2), 1 + r.nextInt(4), h, w}));
        }
        return cases;
    }

    private static List<Sample<Upsample2dParams>> upsampleSamples(SplittableRandom r) {
        List<Sample<Upsample2dParams>> samples = new ArrayList<>();
        for (UpsampleCase c : upsampleCases(r)) {
            samples.add(Sample.of(c.label(), c.params(), randn(r, c.shape())));
        }
        samples.add(Sample.of("NaN/+Inf/-Inf: bilinear x2", Upsample2dParams.bilinear(2, false),
                Samples.withSpecials(r, randn(r, 1, 2, 4, 4))));
        samples.add(Sample.of("NaN/+Inf/-Inf: nearest x2", Upsample2dParams.nearest(2),
                Samples.withSpecials(r, randn(r, 1, 2, 4, 4))));
        samples.add(Sample.rejected("rank-3 input", "must be rank 4", Upsample2dParams.nearest(2), randn(r, 2, 4, 4)));
        samples.add(Sample.rejected("a scale that leaves no row", "must be in [1",
                Upsample2dParams.scale(UpsampleMode.NEAREST, 0.3, 1, false), randn(r, 1, 1, 2, 4)));
        return samples;
    }

    private static List<Sample<Upsample2dOps.BackwardParams>> upsampleBackwardSamples(SplittableRandom r) {
        List<Sample<Upsample2dOps.BackwardParams>> samples = new ArrayList<>();
        for (UpsampleCase c : upsampleCases(r)) {
            Shape out = c.params().output("test", Shape.of(c.shape()));
            samples.add(Sample.of(c.label(), new Upsample2dOps.BackwardParams(c.params(), Shape.of(c.shape())),
                    randn(r, out.dims())));
        }
        samples.add(Sample.rejected("gradOutput of the wrong size", "gradOutput shape",
                new Upsample2dOps.BackwardParams(Upsample2dParams.nearest(2), Shape.of(1, 2, 3, 3)),
                randn(r, 1, 2, 6, 5)));
        return samples;
    }

    // ---- max pooling's indices, max unpooling ----

    private static List<Sample<Pool2dParams>> indicesSamples(SplittableRandom r) {
        List<Sample<Pool2dParams>> samples = new ArrayList<>();
        for (PoolingEntries.Case c : PoolingEntries.cases(r)) {
            if (c.params().algorithm() == PoolAlgorithm.MAX) {
                samples.add(Sample.of(c.toString(), c.params(), SampleValues.distinct(r, SPACING, c.shape())));
            }
        }
        samples.add(Sample.of("ties: the first maximum", Pool2dParams.max(3, 1, 1), SampleValues.ties(r, 2, 1, 2, 5, 5)));
        samples.add(Sample.of("NaN first in window 0, second in window 1", Pool2dParams.max(2, 2, 0),
                SampleValues.of(new float[] {Float.NaN, 1, 4, Float.NaN, 2, 3, 5, 6}, 1, 1, 2, 4)));
        samples.add(Sample.of("a window of -Inf only", Pool2dParams.max(2, 2, 0),
                SampleValues.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 1, 2,
                        Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 3, 4}, 1, 1, 2, 4)));
        samples.add(Sample.rejected("average pooling", "indices are for max pooling", Pool2dParams.avg(2, 2, 0, true),
                randn(r, 1, 1, 4, 4)));
        samples.add(Sample.rejected("rank-3 input", "must be rank 4", Pool2dParams.max(2, 2, 0), randn(r, 1, 4, 4)));
        return samples;
    }

    /** Unpooling cases: pool params and the pooled input's shape (the unpooled output has it back). */
    private record UnpoolCase(String name, Pool2dParams pool, long[] shape) {
        MaxUnpool2dOps.Params params() {
            return new MaxUnpool2dOps.Params(shape[2], shape[3]);
        }
    }

    private static List<UnpoolCase> unpoolCases() {
        return List.of(
                new UnpoolCase("k2 s2", Pool2dParams.max(2, 2, 0), new long[] {2, 3, 8, 6}),
                new UnpoolCase("k3 s3, odd size", Pool2dParams.max(3, 3, 0), new long[] {1, 2, 7, 10}),
                new UnpoolCase("k3 s2 p1: shared maxima", Pool2dParams.max(3, 2, 1), new long[] {1, 2, 7, 7}),
                new UnpoolCase("k2 s1: shared maxima", Pool2dParams.max(2, 1, 0), new long[] {2, 1, 4, 5}),
                new UnpoolCase("empty batch", Pool2dParams.max(2, 2, 0), new long[] {0, 3, 4, 4}));
    }

    /** The indices of max pooling over a random image of the case's shape. */
    private static Sample.Operand indices(SplittableRandom r, UnpoolCase c) {
        return SampleValues.reference(MaxUnpool2dOps.INDICES, c.pool(), 0, SampleValues.distinct(r, SPACING, c.shape()))
                .as(DType.INT64);
    }

    private static boolean repeats(float[] values, long perPlane) {
        for (long start = 0; start < values.length; start += perPlane) {
            Set<Float> seen = new HashSet<>();
            for (long i = start; i < start + perPlane; i++) {
                if (!seen.add(values[(int) i])) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Sample<MaxUnpool2dOps.Params>> unpoolSamples(SplittableRandom r) {
        List<Sample<MaxUnpool2dOps.Params>> samples = new ArrayList<>();
        for (UnpoolCase c : unpoolCases()) {
            Sample.Operand indices = indices(r, c);
            Sample<MaxUnpool2dOps.Params> sample = Sample.of(c.name() + ": " + Arrays.toString(c.shape()), c.params(),
                    randn(r, indices.shape().dims()), indices);
            // Where two inputs go to one place the later wins, so the earlier one's gradient (a gather, as
            // PyTorch's) is not the forward's: compared across backends only.
            samples.add(repeats(indices.values(), indices.shape().dim(2) * indices.shape().dim(3))
                    ? sample.comparedOnly() : sample);
        }
        samples.add(Sample.of("NaN/+Inf/-Inf", new MaxUnpool2dOps.Params(4, 4),
                Samples.withSpecials(r, randn(r, 1, 2, 2, 2)),
                SampleValues.of(new float[] {0, 3, 9, 14, 5, 6, 8, 15}, 1, 2, 2, 2).as(DType.INT64)));
        samples.add(Sample.rejected("an index past the plane", "is outside [0, 16)",
                new MaxUnpool2dOps.Params(4, 4), randn(r, 1, 1, 1, 2),
                SampleValues.of(new float[] {3, 16}, 1, 1, 1, 2).as(DType.INT64)));
        samples.add(Sample.rejected("a negative index", "is outside [0, 16)",
                new MaxUnpool2dOps.Params(4, 4), randn(r, 1, 1, 1, 2),
                SampleValues.of(new float[] {3, -1}, 1, 1, 1, 2).as(DType.INT64)));
        samples.add(Sample.rejected("float32 indices", "indices has dtype", new MaxUnpool2dOps.Params(4, 4),
                randn(r, 1, 1, 1, 2), SampleValues.of(new float[] {3, 1}, 1, 1, 1, 2)));
        samples.add(Sample.rejected("indices of another shape", "indices shape", new MaxUnpool2dOps.Params(4, 4),
                randn(r, 1, 1, 2, 2), SampleValues.of(new float[] {0, 1}, 1, 1, 1, 2).as(DType.INT64)));
        return samples;
    }

    private static List<Sample<MaxUnpool2dOps.Params>> unpoolBackwardSamples(SplittableRandom r) {
        List<Sample<MaxUnpool2dOps.Params>> samples = new ArrayList<>();
        for (UnpoolCase c : unpoolCases()) {
            Sample.Operand indices = indices(r, c);
            samples.add(Sample.of(c.name() + ": " + Arrays.toString(c.shape()), c.params(), randn(r, c.shape()),
                    indices));
        }
        samples.add(Sample.rejected("an index past the plane", "is outside [0, 16)",
                new MaxUnpool2dOps.Params(4, 4), randn(r, 1, 1, 4, 4),
                SampleValues.of(new float[] {3, 16}, 1, 1, 1, 2).as(DType.INT64)));
        samples.add(Sample.rejected("gradOutput of the wrong size", "gradOutput shape", new MaxUnpool2dOps.Params(4, 4),
                randn(r, 1, 1, 4, 5), SampleValues.of(new float[] {3, 1}, 1, 1, 1, 2).as(DType.INT64)));
        return samples;
    }
}
