package org.jdnn.matrix;

import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of 2-d pooling: pool2d (inference; its derivative runs the training forward again for max
 * pooling), pool2d_training (its workspace is backend-specific and not compared: the gradient through it is) and
 * pool2d_backward (average pooling: max pooling's backward needs a workspace only a training forward of the same
 * backend makes, so it is compared through pool2d_training's derivative).
 *
 * <p>Inputs are distinct values 0.05 apart, shuffled (no window has a tie unless the sample says so), so the
 * finite-difference step 0.01 never changes which element is a window's maximum. Bound
 * {@code 1e-5 |ref| + 1e-5 sqrt(K)}, K the window's area (inputs up to +-40 here: the parity suite's 1e-6 was for
 * inputs in [-1, 1)).
 */
final class PoolingEntries {
    private static final double SPACING = 0.05;
    private static final long MAX_ELEMENTS = 1500;

    private PoolingEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(Pool2dOps.FORWARD).tolerance(1e-5, 1e-5).differentiable()
                        .samples(PoolingEntries::samples)
                        .reductions((p, in) -> new long[] {area(p)}, (p, in) -> new long[] {area(p)})
                        .finiteDifferences(1e-2, 1e-3)
                        .primitiveOptional((p, in) -> in[0].numel() == 0)
                        .build(),
                OpInfo.of(Pool2dOps.TRAINING).tolerance(1e-5, 1e-5).differentiable()
                        .samples(PoolingEntries::samples)
                        .reductions((p, in) -> new long[] {area(p)}, (p, in) -> new long[] {area(p)})
                        .finiteDifferences(1e-2, 1e-3)
                        .primitiveOptional((p, in) -> in[0].numel() == 0)
                        .build(),
                OpInfo.of(Pool2dOps.BACKWARD).tolerance(1e-5, 1e-5)
                        .samples(PoolingEntries::backwardSamples)
                        .reductions((p, in) -> new long[] {area(p.pool())}, null)
                        .primitiveOptional((p, in) -> p.input().numel() == 0)
                        .build());
    }

    private static long area(Pool2dParams p) {
        return p.kernelH() * p.kernelW();
    }

    record Case(String name, Pool2dParams params, long[] shape) {
        Shape output() {
            return Pool2dShapes.infer(params, Shape.of(shape)).output();
        }

        @Override
        public String toString() {
            Pool2dParams p = params;
            String algorithm = switch (p.algorithm()) {
                case MAX -> "max";
                case AVG_INCLUDE_PADDING -> "avg counting padding";
                case AVG_EXCLUDE_PADDING -> "avg not counting padding";
            };
            return name + ": " + algorithm + " " + Arrays.toString(shape) + " k" + p.kernelH() + "x" + p.kernelW()
                    + " stride " + p.strideH() + "," + p.strideW() + " pad " + p.padTop() + "," + p.padBottom() + ","
                    + p.padLeft() + "," + p.padRight() + (p.dilationH() > 1 || p.dilationW() > 1 ? " dilation "
                    + p.dilationH() + "," + p.dilationW() : "") + (p.ceilMode() ? " ceil" : "");
        }
    }

    /** The parity suite's fixed cases, then seeded random ones (as many as it had, smaller). */
    static List<Case> cases(SplittableRandom r) {
        List<Case> cases = new ArrayList<>(List.of(
                new Case("k2 s2", Pool2dParams.max(2, 2, 0), new long[] {2, 3, 8, 8}),
                new Case("k3 s2 p1", Pool2dParams.max(3, 2, 1), new long[] {1, 4, 7, 9}),
                new Case("ceil", Pool2dParams.max(3, 2, 1).withCeilMode(true), new long[] {2, 2, 8, 6}),
                new Case("ceil", Pool2dParams.avg(3, 2, 1, true).withCeilMode(true), new long[] {2, 3, 8, 6}),
                new Case("ceil", Pool2dParams.avg(3, 2, 1, false).withCeilMode(true), new long[] {2, 3, 8, 6}),
                new Case("ceil, stride > kernel", Pool2dParams.avg(2, 3, 1, true).withCeilMode(true),
                        new long[] {1, 2, 10, 11}),
                new Case("padding per side", Pool2dParams.max(4, 1, 2).withPadding(0, 2, 1, 0), new long[] {3, 5, 9, 4}),
                new Case("padding per side", Pool2dParams.avg(4, 2, 0, true).withPadding(2, 1, 0, 2),
                        new long[] {1, 1, 6, 7}),
                new Case("dilation 2", Pool2dParams.max(3, 1, 1).withDilation(2, 2), new long[] {2, 3, 9, 9}),
                new Case("dilation 2,1, ceil", Pool2dParams.avg(2, 2, 1, false).withDilation(2, 1).withCeilMode(true),
                        new long[] {1, 2, 7, 7}),
                new Case("1x1", Pool2dParams.max(1, 1, 0), new long[] {1, 1, 1, 1}),
                new Case("one row", Pool2dParams.max(2, 1, 1), new long[] {4, 17, 1, 33}),
                new Case("one column, k3x2", Pool2dParams.avg(3, 3, 1, true).withKernel(3, 2), new long[] {1, 16, 33, 1}),
                new Case("empty batch", Pool2dParams.max(2, 2, 0), new long[] {0, 3, 4, 4}),
                new Case("empty batch", Pool2dParams.avg(2, 2, 1, false), new long[] {0, 3, 4, 4})));
        for (int i = 0; cases.size() < 45; i++) {
            Case c = random(r, i);
            try {
                Pool2dShapes.infer(c.params(), Shape.of(c.shape()));
            } catch (IllegalArgumentException invalid) {
                continue; // a kernel larger than the padded input and the like: draw again
            }
            if (Shape.of(c.shape()).numel() <= MAX_ELEMENTS) {
                cases.add(c);
            }
        }
        return cases;
    }

    private static Case random(SplittableRandom random, int i) {
        PoolAlgorithm algorithm = PoolAlgorithm.values()[random.nextInt(3)];
        long kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
        long dh = random.nextInt(5) == 0 ? 2 : 1, dw = random.nextInt(5) == 0 ? 2 : 1;
        long effH = (kh - 1) * dh + 1, effW = (kw - 1) * dw + 1;
        long top = random.nextInt((int) (effH / 2) + 1), left = random.nextInt((int) (effW / 2) + 1);
        boolean perSide = random.nextInt(4) == 0;
        long bottom = perSide ? random.nextInt((int) (effH / 2) + 1) : top;
        long right = perSide ? random.nextInt((int) (effW / 2) + 1) : left;
        Pool2dParams params = new Pool2dParams(algorithm, kh, kw, 1 + random.nextInt(3), 1 + random.nextInt(3),
                top, bottom, left, right, dh, dw, random.nextBoolean());
        long[] shape = {1 + random.nextInt(3), 1 + random.nextInt(6), 1 + random.nextInt(17), 1 + random.nextInt(17)};
        return new Case("random " + i, params, shape);
    }

    /**
     * Every case; ties (a constant image: each window's gradient goes to its first element, as on every backend),
     * with +Inf in the other image (which also keeps finite differences, undefined at a tie, off); NaN first and not
     * first in a max window (where it is decides the reference's result), infinities, a window of -Inf only;
     * NaN/+Inf/-Inf at random places for average pooling; refused geometries.
     */
    private static List<Sample<Pool2dParams>> samples(SplittableRandom r) {
        List<Sample<Pool2dParams>> samples = new ArrayList<>();
        for (Case c : cases(r)) {
            samples.add(Sample.of(c.toString(), c.params(), SampleValues.distinct(r, SPACING, c.shape())));
        }
        float[] tied = SampleValues.filled(1f, 2, 1, 4, 4).values();
        tied[16 + r.nextInt(16)] = Float.POSITIVE_INFINITY;
        for (Pool2dParams p : List.of(Pool2dParams.max(2, 2, 0), Pool2dParams.max(3, 1, 1))) {
            samples.add(Sample.of(new Case("ties in image 0, +Inf in image 1", p, new long[] {2, 1, 4, 4}).toString(),
                    p, SampleValues.of(tied, 2, 1, 4, 4)));
        }
        Pool2dParams k2 = Pool2dParams.max(2, 2, 0);
        samples.add(Sample.of(new Case("NaN first in window 0, second in window 1", k2, new long[] {1, 1, 2, 4})
                .toString(), k2, SampleValues.of(new float[] {Float.NaN, 1, 4, Float.NaN, 2, 3, 5, 6}, 1, 1, 2, 4)));
        samples.add(Sample.of(new Case("+Inf wins, -Inf loses", k2, new long[] {1, 1, 2, 4}).toString(), k2,
                SampleValues.of(new float[] {1, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 2, 3, 4, 5, 6},
                        1, 1, 2, 4)));
        for (Pool2dParams p : List.of(Pool2dParams.avg(3, 2, 1, true), Pool2dParams.avg(2, 1, 1, false))) {
            Case c = new Case("NaN/+Inf/-Inf", p, new long[] {2, 2, 6, 5});
            samples.add(Sample.of(c.toString(), p, Samples.withSpecials(r, SampleValues.distinct(r, SPACING, c.shape()))));
        }
        samples.add(Sample.of(new Case("a window of -Inf only", Pool2dParams.max(2, 2, 0), new long[] {1, 1, 2, 4})
                .toString(), Pool2dParams.max(2, 2, 0), SampleValues.of(new float[] {Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 1, 2, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 3, 4}, 1, 1, 2, 4)));
        refused(r, samples);
        return samples;
    }

    private static void refused(SplittableRandom r, List<Sample<Pool2dParams>> samples) {
        samples.add(Sample.rejected("kernel 5 > padded input 3", "larger than padded input", Pool2dParams.max(5, 1, 0),
                randn(r, 1, 2, 3, 3)));
        samples.add(Sample.rejected("padding 2 > half of kernel 3", "at most half the effective kernel",
                Pool2dParams.max(3, 1, 2), randn(r, 1, 2, 3, 3)));
        samples.add(Sample.rejected("rank-3 input", "must be rank 4", Pool2dParams.avg(1, 1, 0, true),
                randn(r, 2, 3, 3)));
        samples.add(Sample.rejected("empty image", "spatial size must be > 0", Pool2dParams.max(1, 1, 0),
                randn(r, 1, 2, 0, 3)));
        samples.add(Sample.rejected("a dilated window over padding only", "covers only padding",
                Pool2dParams.max(2, 1, 2).withDilation(3, 1).withPadding(2, 2, 0, 0), randn(r, 1, 1, 2, 4)));
    }

    /** Average pooling's backward from a random output gradient; refused: max without a workspace, a wrong gradient. */
    private static List<Sample<Pool2dOps.BackwardParams>> backwardSamples(SplittableRandom r) {
        List<Sample<Pool2dOps.BackwardParams>> samples = new ArrayList<>();
        for (Case c : cases(r)) {
            if (c.params().algorithm() != PoolAlgorithm.MAX) {
                samples.add(Sample.of(c.toString(), new Pool2dOps.BackwardParams(c.params(), Shape.of(c.shape())),
                        randn(r, c.output().dims()), null));
            }
        }
        Case special = new Case("NaN/+Inf/-Inf in the gradient", Pool2dParams.avg(3, 2, 1, false),
                new long[] {2, 2, 6, 5});
        samples.add(Sample.of(special.toString(), new Pool2dOps.BackwardParams(special.params(),
                Shape.of(special.shape())), Samples.withSpecials(r, randn(r, special.output().dims())), null));
        Pool2dParams max = Pool2dParams.max(2, 1, 0);
        samples.add(Sample.rejected("max pooling without a workspace", "needs the workspace",
                new Pool2dOps.BackwardParams(max, Shape.of(1, 2, 3, 3)), randn(r, 1, 2, 2, 2), null));
        Pool2dParams avg = Pool2dParams.avg(2, 1, 0, true);
        samples.add(Sample.rejected("gradOutput one column too wide", "gradOutput shape",
                new Pool2dOps.BackwardParams(avg, Shape.of(1, 2, 3, 3)), randn(r, 1, 2, 2, 3), null));
        samples.add(Sample.rejected("average pooling given a workspace", "takes no workspace",
                new Pool2dOps.BackwardParams(avg, Shape.of(1, 2, 3, 3)), randn(r, 1, 2, 2, 2), randn(r, 4)));
        return samples;
    }
}
