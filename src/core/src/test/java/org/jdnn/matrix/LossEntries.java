package org.jdnn.matrix;

import org.jdnn.ops.LossOps;
import org.jdnn.ops.LossReduction;
import org.jdnn.ops.LossShapes;
import org.jdnn.ops.NllLossParams;
import org.jdnn.ops.NoParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.EltwiseEntries.uniform;
import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the loss kernels: nll_loss (every reduction, with and without class weights, ignore index and
 * label smoothing, inputs (C), (N, C) and (N, C, d1, ..., dk), empty batches, all targets ignored) and its backward,
 * binary cross-entropy and its backward (probabilities at 0, 1, subnormal and 1 - 2^-24 compared only, as they sit at
 * the clamps), and one-hot. Class indices are int64 (PyTorch's dtype) in most samples, float32 holding integral values
 * in the others. Bounds: {@code 1e-5 |ref| + 1e-6
 * sqrt(K)}, K the terms summed into an element (the batch for a reduced loss, C with smoothing).
 */
final class LossEntries {
    private static final float[] EDGE_PROBABILITIES = {0f, 1f, Float.MIN_VALUE, 1f - 0x1p-24f, 1e-30f, 0.5f};

    private LossEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(LossOps.NLL_LOSS).tolerance(1e-5, 1e-6).differentiable().affine()
                        .finiteDifferences(0.01, 1e-3)
                        .samples(LossEntries::nll)
                        .reductions((p, in) -> new long[] {terms(p, in[0]), count(in[0])}, (p, in) -> new long[] {1, 1, 1})
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(LossOps.NLL_LOSS_BACKWARD).tolerance(1e-5, 1e-6)
                        .samples(LossEntries::nllBackward)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(LossOps.BINARY_CROSS_ENTROPY).tolerance(1e-5, 1e-6).gradientTolerance(2e-5, 1e-6)
                        .differentiable().finiteDifferences(1e-3, 2e-3)
                        .samples(LossEntries::bce)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(LossOps.BINARY_CROSS_ENTROPY_BACKWARD).tolerance(2e-5, 1e-6)
                        .samples(LossEntries::bceBackward)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(LossOps.ONE_HOT).tolerance(0, 0)
                        .samples(LossEntries::oneHot)
                        .primitiveOptional((p, in) -> true).build());
    }

    /** The samples (batch times inner) of a class-index loss's input. */
    private static long count(Shape input) {
        LossShapes s = shapes(input);
        return Math.max(1, s.batch() * s.inner());
    }

    private static LossShapes shapes(Shape input) {
        long[] target = new long[Math.max(0, input.rank() - 1)];
        for (int i = 0, j = 0; i < input.rank(); i++) {
            if (i != (input.rank() == 1 ? 0 : 1)) {
                target[j++] = input.dim(i);
            }
        }
        return LossShapes.infer("nll_loss", input, Shape.of(target), null);
    }

    /** K of the loss output: the samples summed (reduced) times C with smoothing. */
    private static long terms(NllLossParams p, Shape input) {
        long perElement = p.labelSmoothing() > 0 ? Math.max(1, shapes(input).classes()) : 1;
        return p.reduction() == LossReduction.NONE ? perElement : perElement * count(input);
    }

    /** Class indices for {@code shape} in [0, classes), a share of them replaced by {@code ignore}. */
    private static Sample.Operand targets(SplittableRandom r, long classes, long ignore, double ignoredShare,
                                          long... shape) {
        Shape s = Shape.of(shape);
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < ignoredShare ? ignore : r.nextLong(classes);
        }
        if (v.length > 0 && ignoredShare < 1 && v[0] == ignore) {
            v[0] = ignore == 0 ? 1 % classes : 0; // at least one target counts: a mean over none is NaN
        }
        return new Sample.Operand(s, v);
    }

    private static long[] targetShape(long[] input) {
        if (input.length == 1) {
            return new long[0];
        }
        long[] t = new long[input.length - 1];
        t[0] = input[0];
        System.arraycopy(input, 2, t, 1, input.length - 2);
        return t;
    }

    private static String describe(NllLossParams p, long[] input, boolean weighted) {
        return p.reduction() + " " + Arrays.toString(input) + (weighted ? " weighted" : "") + " ignore " + p.ignoreIndex()
                + (p.labelSmoothing() > 0 ? " smoothing " + p.labelSmoothing() : "");
    }

    /**
     * Every reduction, weights on and off, label smoothing 0 and 0.2, ignore index -100 (unused) or a class, over
     * ranks 1..4; an empty batch, all targets ignored (mean: 0 / 0 = NaN, compared only), NaN/Inf inputs (compared
     * only); refusals: a target out of range, a non-integral target, a weight of the wrong size, shapes that do not fit.
     */
    private static List<Sample<NllLossParams>> nll(SplittableRandom r) {
        List<Sample<NllLossParams>> samples = new ArrayList<>();
        long[][] inputs = {{5}, {4, 3}, {3, 4, 5}, {2, 3, 2, 3}, {7, 10}};
        for (int shape = 0; shape < inputs.length; shape++) {
            long[] input = inputs[shape];
            long classes = input.length == 1 ? input[0] : input[1];
            DType indices = shape % 2 == 0 ? DType.INT64 : DType.FLOAT32;
            for (LossReduction reduction : LossReduction.values()) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean weighted = variant % 2 == 1;
                    double smoothing = variant >= 2 ? 0.2 : 0;
                    long ignore = variant == 1 || variant == 2 ? 1 : NllLossParams.DEFAULT_IGNORE_INDEX;
                    NllLossParams p = new NllLossParams(reduction, ignore, smoothing);
                    Sample.Operand weight = weighted ? uniform(r, 0.2, 2, classes) : null;
                    samples.add(Sample.of(describe(p, input, weighted) + " " + indices, p, randn(r, input),
                            targets(r, classes, ignore, 0.2, targetShape(input)).as(indices), weight));
                }
            }
        }
        NllLossParams mean = NllLossParams.of(LossReduction.MEAN);
        samples.add(Sample.of("empty batch [0, 3], mean: NaN", mean, randn(r, 0, 3), targets(r, 3, -100, 0, 0),
                null).comparedOnly());
        samples.add(Sample.of("empty batch [0, 3], sum", NllLossParams.of(LossReduction.SUM), randn(r, 0, 3),
                targets(r, 3, -100, 0, 0), null));
        samples.add(Sample.of("empty [2, 3, 0], none", NllLossParams.of(LossReduction.NONE), randn(r, 2, 3, 0),
                targets(r, 3, -100, 0, 2, 0), null));
        NllLossParams smoothedMean = new NllLossParams(LossReduction.MEAN, 2, 0.1);
        samples.add(Sample.of("all targets ignored, mean: NaN", smoothedMean, randn(r, 3, 4), targets(r, 4, 2, 1, 3),
                uniform(r, 0.5, 1.5, 4)).comparedOnly());
        samples.add(Sample.of("NaN/+Inf/-Inf in the input", new NllLossParams(LossReduction.NONE, -100, 0.1),
                Samples.withSpecials(r, randn(r, 4, 5)), targets(r, 5, -100, 0, 4), null).comparedOnly());
        samples.add(Sample.rejected("target 3 of 3 classes", "out of bounds", mean, randn(r, 2, 3),
                new Sample.Operand(Shape.of(2), new float[] {0, 3}), null));
        samples.add(Sample.rejected("int64 target 3 of 3 classes", "out of bounds", mean, randn(r, 2, 3),
                new Sample.Operand(Shape.of(2), new float[] {3, 0}, DType.INT64), null));
        samples.add(Sample.rejected("bool target", "expected int64", mean, randn(r, 2, 3),
                new Sample.Operand(Shape.of(2), new float[] {1, 0}, DType.BOOL), null));
        samples.add(Sample.rejected("int64 input", "expected float32", mean,
                new Sample.Operand(Shape.of(2, 3), new float[] {1, 0, 2, 1, 0, 3}, DType.INT64),
                targets(r, 3, -100, 0, 2).as(DType.INT64), null));
        samples.add(Sample.rejected("target -1 (ignore index -100)", "out of bounds", mean, randn(r, 2, 3),
                new Sample.Operand(Shape.of(2), new float[] {-1, 0}), null));
        samples.add(Sample.rejected("target 1.5", "not a class index", mean, randn(r, 2, 3),
                new Sample.Operand(Shape.of(2), new float[] {1.5f, 0}), null));
        samples.add(Sample.rejected("target NaN", "not a class index", mean, randn(r, 2, 3),
                new Sample.Operand(Shape.of(2), new float[] {0, Float.NaN}), null));
        samples.add(Sample.rejected("weight of 2 for 3 classes", "weight must be defined for all 3 classes", mean,
                randn(r, 2, 3), targets(r, 3, -100, 0, 2), randn(r, 2)));
        samples.add(Sample.rejected("batch 3 for input batch 2", "batch size", mean, randn(r, 2, 3),
                targets(r, 3, -100, 0, 3), null));
        samples.add(Sample.rejected("target [2, 4] for input [2, 3, 5]", "does not fit", mean, randn(r, 2, 3, 5),
                targets(r, 3, -100, 0, 2, 4), null));
        samples.add(Sample.rejected("rank-0 input", "1 or more dimensions", mean, randn(r),
                targets(r, 1, -100, 0), null));
        return samples;
    }

    /** The gradient of a few forward cases, with a totalWeight as the forward gives it. */
    private static List<Sample<NllLossParams>> nllBackward(SplittableRandom r) {
        List<Sample<NllLossParams>> samples = new ArrayList<>();
        long[][] inputs = {{6}, {5, 4}, {3, 4, 5}, {2, 3, 2, 2}};
        for (long[] input : inputs) {
            long classes = input.length == 1 ? input[0] : input[1];
            for (LossReduction reduction : LossReduction.values()) {
                for (int variant = 0; variant < 2; variant++) {
                    NllLossParams p = new NllLossParams(reduction, variant == 1 ? 0 : -100, variant * 0.3);
                    long[] target = targetShape(input);
                    Sample.Operand g = reduction == LossReduction.NONE ? randn(r, target) : randn(r);
                    DType indices = reduction == LossReduction.SUM ? DType.FLOAT32 : DType.INT64;
                    samples.add(Sample.of(describe(p, input, variant == 1) + " " + indices, p, randn(r, input), g,
                            targets(r, classes, p.ignoreIndex(), 0.2, target).as(indices),
                            variant == 1 ? uniform(r, 0.2, 2, classes) : null, uniform(r, 0.5, 4)));
                }
            }
        }
        NllLossParams mean = NllLossParams.of(LossReduction.MEAN);
        samples.add(Sample.of("NaN/+Inf/-Inf in gradOutput", NllLossParams.of(LossReduction.NONE), randn(r, 4, 3),
                Samples.withSpecials(r, randn(r, 4)), targets(r, 3, -100, 0, 4), null, uniform(r, 1, 2)));
        samples.add(Sample.rejected("gradOutput [2] for a mean", "gradOutput shape", mean, randn(r, 2, 3),
                randn(r, 2), targets(r, 3, -100, 0, 2), null, uniform(r, 1, 2)));
        samples.add(Sample.rejected("target 7 of 3 classes", "out of bounds", mean, randn(r, 2, 3), randn(r),
                new Sample.Operand(Shape.of(2), new float[] {7, 0}), null, uniform(r, 1, 2)));
        return samples;
    }

    private static Sample.Operand probabilities(SplittableRandom r, long... dims) {
        return uniform(r, 0.1, 0.9, dims);
    }

    /**
     * Ranks 0..4 of probabilities in [0.1, 0.9] against soft targets; an empty shape; edge probabilities (0, 1,
     * Float.MIN_VALUE, 1 - 2^-24, 1e-30) against targets 0, 1 and 0.5, compared only (the clamps are kinks); refusals:
     * an input outside [0, 1], NaN, a target of another shape.
     */
    private static List<Sample<NoParams>> bce(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 4; rank++) {
            long[] shape = Samples.shape(r, rank, 5, 200);
            samples.add(Sample.of("rank " + rank + " " + Arrays.toString(shape), NoParams.INSTANCE,
                    probabilities(r, shape), uniform(r, 0, 1, shape)));
        }
        samples.add(Sample.of("empty [3, 0]", NoParams.INSTANCE, probabilities(r, 3, 0), uniform(r, 0, 1, 3, 0)));
        for (float y : new float[] {0f, 1f, 0.5f}) {
            float[] targets = new float[EDGE_PROBABILITIES.length];
            Arrays.fill(targets, y);
            samples.add(Sample.of("edge probabilities, target " + y, NoParams.INSTANCE,
                    new Sample.Operand(Shape.of(EDGE_PROBABILITIES.length), EDGE_PROBABILITIES.clone()),
                    new Sample.Operand(Shape.of(targets.length), targets)).comparedOnly());
        }
        samples.add(Sample.rejected("input 1.5", "not a probability in [0, 1]", NoParams.INSTANCE,
                new Sample.Operand(Shape.of(2), new float[] {0.5f, 1.5f}), uniform(r, 0, 1, 2)));
        samples.add(Sample.rejected("input NaN", "not a probability in [0, 1]", NoParams.INSTANCE,
                new Sample.Operand(Shape.of(2), new float[] {Float.NaN, 0.5f}), uniform(r, 0, 1, 2)));
        samples.add(Sample.rejected("target [3] for input [2]", "target shape", NoParams.INSTANCE,
                probabilities(r, 2), uniform(r, 0, 1, 3)));
        return samples;
    }

    private static List<Sample<NoParams>> bceBackward(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 3; rank++) {
            long[] shape = Samples.shape(r, rank, 5, 200);
            samples.add(Sample.of("rank " + rank + " " + Arrays.toString(shape), NoParams.INSTANCE,
                    probabilities(r, shape), uniform(r, 0, 1, shape), randn(r, shape)));
        }
        int n = EDGE_PROBABILITIES.length;
        samples.add(Sample.of("edge probabilities", NoParams.INSTANCE,
                new Sample.Operand(Shape.of(n), EDGE_PROBABILITIES.clone()), uniform(r, 0, 1, n), randn(r, n)));
        samples.add(Sample.of("NaN/+Inf/-Inf in gradOutput", NoParams.INSTANCE, probabilities(r, 6),
                uniform(r, 0, 1, 6), Samples.withSpecials(r, randn(r, 6))));
        samples.add(Sample.rejected("input -0.25", "not a probability in [0, 1]", NoParams.INSTANCE,
                new Sample.Operand(Shape.of(1), new float[] {-0.25f}), uniform(r, 0, 1, 1), randn(r, 1)));
        return samples;
    }

    private static List<Sample<LossOps.OneHotParams>> oneHot(SplittableRandom r) {
        List<Sample<LossOps.OneHotParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 3; rank++) {
            long[] shape = Samples.shape(r, rank, 5, 100);
            long classes = 1 + r.nextInt(6);
            DType indices = rank % 2 == 0 ? DType.INT64 : DType.FLOAT32;
            samples.add(Sample.of("rank " + rank + " " + Arrays.toString(shape) + " of " + classes + " " + indices,
                    new LossOps.OneHotParams(classes), targets(r, classes, 0, 0, shape).as(indices)));
        }
        samples.add(Sample.of("empty [0]", new LossOps.OneHotParams(3), targets(r, 3, 0, 0, 0)));
        samples.add(Sample.rejected("class 4 of 4", "out of bounds", new LossOps.OneHotParams(4),
                new Sample.Operand(Shape.of(2), new float[] {0, 4})));
        samples.add(Sample.rejected("class -1", "out of bounds", new LossOps.OneHotParams(4),
                new Sample.Operand(Shape.of(1), new float[] {-1}, DType.INT64)));
        samples.add(Sample.rejected("class 0.5", "not a class index", new LossOps.OneHotParams(4),
                new Sample.Operand(Shape.of(1), new float[] {0.5f})));
        return samples;
    }
}
