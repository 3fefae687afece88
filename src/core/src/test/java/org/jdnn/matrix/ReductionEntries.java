package org.jdnn.matrix;

import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps.SumToShapeParams;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the reductions: sum_to_shape, reduction (sum, mean, max over axes) and reduction_backward
 * (argmax is in {@link IntegerOpsEntries}). Bounds: sums {@code 1e-5 |ref| + 1e-5 sqrt(K)}, K the number of elements
 * summed into each output element, as the parity suites (mean and max: K = 1); the backward, a copy or one multiply,
 * {@code 1e-6 |ref| + 1e-7}.
 */
final class ReductionEntries {
    private ReductionEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(reduction(), reductionBackward(), sumToShape());
    }

    private static OpInfo<SumToShapeParams> sumToShape() {
        return OpInfo.of(ReductionOps.SUM_TO_SHAPE).tolerance(1e-5, 1e-5).differentiable().affine()
                .samples(ReductionEntries::sumToShape)
                .reductions((p, in) -> new long[] {in[0].numel() / Math.max(1, p.shape().numel())}, null)
                // Nothing to sum (target = grad's shape up to leading 1s) or nothing to write: a copy or a fill.
                .primitiveOptional((p, in) -> p.shape().numel() == 0 || in[0].numel() == 0
                        || in[0].numel() == p.shape().numel())
                .build();
    }

    // ---- reduction and its backward ----

    /**
     * sum and mean are affine; max is piecewise linear, so its samples hold distinct values 0.1 apart and the
     * finite-difference step is 0.01 (it never changes which element is the maximum). Samples whose reduced axes
     * all have size 1 (the identity) or whose result is empty may run without a primitive.
     */
    private static OpInfo<ReductionParams> reduction() {
        return OpInfo.of(ReductionOps.REDUCE).tolerance(1e-5, 1e-5).differentiable()
                .samples(r -> reductionSamples(r, false))
                .reductions((p, in) -> new long[] {summed(p, in[0])}, (p, in) -> new long[] {1})
                .finiteDifferences(1e-2, 1e-3)
                .primitiveOptional((p, in) -> trivial(p, in[0]))
                .build();
    }

    /**
     * The input gradient alone, from the forward's own result: every reduction sample, and ties (in every slice, all
     * equal, across a non-innermost axis), which must send the gradient to the first maximum in row-major order as
     * the reference does (oneDNN takes its declared fallback there), and NaN.
     */
    private static OpInfo<ReductionParams> reductionBackward() {
        return OpInfo.of(ReductionOps.REDUCE_BACKWARD).tolerance(1e-6, 1e-7)
                .samples(r -> reductionSamples(r, true))
                .primitiveOptional((p, in) -> trivial(p, in[0]))
                .build();
    }

    /** Elements summed into each output element: the reduction size for a sum, 1 for mean and max. */
    private static long summed(ReductionParams p, Shape input) {
        return p.algorithm() == ReductionAlgorithm.SUM ? ReductionShapes.infer(p, input).reductionSize() : 1;
    }

    /** Nothing to compute natively: only size-1 axes reduced (a copy), an empty result, or an empty input. */
    private static boolean trivial(ReductionParams p, Shape input) {
        ReductionShapes s = ReductionShapes.infer(p, input);
        return s.reductionSize() <= 1 || s.output().numel() == 0 || input.numel() == 0;
    }

    private static List<Sample<ReductionParams>> reductionSamples(SplittableRandom r, boolean backward) {
        List<Sample<ReductionParams>> samples = new ArrayList<>();
        for (ReductionAlgorithm algorithm : ReductionAlgorithm.values()) {
            boolean max = algorithm == ReductionAlgorithm.MAX;
            for (int rank = 0; rank <= 5; rank++) {
                for (int i = 0; i < 2; i++) {
                    long[] dims = Samples.shape(r, rank, 7, 400);
                    int[] axes = randomAxes(r, rank, i == 0);
                    ReductionParams p = ReductionParams.of(algorithm, r.nextBoolean(), axes);
                    Sample.Operand x = max ? SampleValues.distinct(r, 0.1, dims) : randn(r, dims);
                    samples.add(reduce("rank " + rank, p, x, r, backward));
                }
            }
            String name = algorithm.opName();
            samples.add(reduce(name + " of 2048 into one", ReductionParams.of(algorithm, false),
                    max ? SampleValues.distinct(r, 0.1, 2, 32, 32) : randn(r, 2, 32, 32), r, backward));
            samples.add(reduce(name + " over a leading run of axes (the matmul path)",
                    ReductionParams.of(algorithm, false, 0, 1), max ? SampleValues.distinct(r, 0.1, 6, 5, 7)
                            : randn(r, 6, 5, 7), r, backward));
            samples.add(reduce(name + " over a size-1 axis: the identity", ReductionParams.of(algorithm, false, 1),
                    randn(r, 3, 1, 4), r, backward));
            samples.add(reduce(name + " of a scalar", ReductionParams.of(algorithm, true), randn(r), r, backward));
            samples.add(reduce(name + " keeping an empty axis", ReductionParams.of(algorithm, true, -1),
                    randn(r, 0, 3, 2), r, backward));
            if (max) { // NaN at fixed places: oneDNN skips it (a known difference), so the sample must not vary
                samples.add(reduce("max, NaN first in its slice", ReductionParams.of(algorithm, false, 1),
                        SampleValues.of(new float[] {Float.NaN, 1, 2, 3, Float.NaN, 4}, 2, 3), r, backward));
            } else {
                samples.add(reduce(name + ", NaN/+Inf/-Inf", ReductionParams.of(algorithm, r.nextBoolean(), -1),
                        Samples.withSpecials(r, randn(r, 4, 3, 5)), r, backward));
            }
            samples.add(reduce(name + ", +Inf and -Inf in one slice", ReductionParams.of(algorithm, false, 0),
                    SampleValues.of(new float[] {Float.POSITIVE_INFINITY, 1, 2, Float.NEGATIVE_INFINITY, 3, 4}, 2, 3),
                    r, backward));
            samples.add(reduce(name + ", NaN in one slice, -Inf alone in another", ReductionParams.of(algorithm, true, 1),
                    SampleValues.of(new float[] {1, Float.NaN, 2, Float.NEGATIVE_INFINITY, -1, 0}, 2, 3), r, backward));
        }
        for (ReductionAlgorithm algorithm : List.of(ReductionAlgorithm.SUM, ReductionAlgorithm.MEAN)) {
            samples.add(reduce(algorithm.opName() + " over an empty axis (" + (algorithm == ReductionAlgorithm.SUM
                    ? "zeros" : "NaN") + ")", ReductionParams.of(algorithm, false, 0), randn(r, 0, 3), r, backward));
            samples.add(reduce(algorithm.opName() + " of an empty rank-5 tensor to a scalar",
                    ReductionParams.of(algorithm, false), randn(r, 2, 1, 0, 3, 1), r, backward));
        }
        if (backward) {
            ReductionParams rows = ReductionParams.of(ReductionAlgorithm.MAX, false, 1);
            samples.add(reduce("max ties in every row, one all equal", rows,
                    SampleValues.of(new float[] {1, 3, 3, 0, 2, 2, 2, 2, 5, 1, 5, 5}, 3, 4), r, true));
            samples.add(reduce("max ties across the leading axis", ReductionParams.of(ReductionAlgorithm.MAX, true, 0),
                    SampleValues.ties(r, 3, 5, 4, 3), r, true));
            samples.add(reduce("max of a constant over all axes", ReductionParams.of(ReductionAlgorithm.MAX, false),
                    SampleValues.filled(2f, 3, 4, 2), r, true));
            samples.add(reduce("max ties over axes 0 and 2, rank 4", ReductionParams.of(ReductionAlgorithm.MAX, false, 0, 2),
                    SampleValues.ties(r, 2, 3, 2, 4, 3), r, true));
        }
        // No refused samples: the reductions' messages name the algorithm ("max: cannot take the max over zero
        // elements"), not the op or its family, as the matrix requires; ReductionParityTest checks them.
        return samples;
    }

    /** Axes of a rank-{@code rank} tensor: each kept or not at random (negative half the time); none means all. */
    private static int[] randomAxes(SplittableRandom r, int rank, boolean allowAll) {
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (r.nextInt(3) == 0) {
                axes.add(r.nextBoolean() ? d : d - rank);
            }
        }
        if (axes.isEmpty() && !allowAll && rank > 0) {
            axes.add(r.nextInt(-rank, rank));
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A reduction sample; for the backward, with the reference's forward result and a random gradient. */
    private static Sample<ReductionParams> reduce(String name, ReductionParams p, Sample.Operand x, SplittableRandom r,
                                                  boolean backward) {
        String description = name + ": " + p.opName() + " " + x.shape() + " axes " + p.axes()
                + (p.keepDim() ? " keepDim" : "");
        if (!backward) {
            return Sample.of(description, p, x);
        }
        Sample.Operand y = SampleValues.reference(ReductionOps.REDUCE, p, 0, x);
        return Sample.of(description, p, x, y, randn(r, y.shape().dims()));
    }

    /**
     * Random grad shapes of rank 0..5 summed to random broadcast targets (rank 0 included), the identity, empty
     * grads (to empty and to non-empty targets: a sum over nothing is 0), NaN/+Inf/-Inf, and refused targets.
     */
    private static List<Sample<SumToShapeParams>> sumToShape(SplittableRandom r) {
        List<Sample<SumToShapeParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            for (int i = 0; i < 3; i++) {
                long[] from = Samples.shape(r, rank, 6, 600);
                long[] to = i == 0 ? from : Samples.broadcastTarget(r, from);
                samples.add(sample("rank " + rank, randn(r, from), to));
            }
        }
        samples.add(sample("scalar to rank 0", randn(r), new long[0]));
        samples.add(sample("all of 2048 summed into one", randn(r, 2, 32, 32), new long[] {1, 1, 1}));
        samples.add(sample("leading 1s dropped", randn(r, 1, 1, 3, 4), new long[] {3, 4}));
        samples.add(sample("empty dim kept", randn(r, 3, 0, 2), new long[] {0, 2}));
        samples.add(sample("empty dim summed away (zeros)", randn(r, 3, 0, 2), new long[] {3, 1, 2}));
        samples.add(sample("empty to scalar (zero)", randn(r, 0), new long[0]));
        samples.add(sample("empty rank 5", randn(r, 2, 1, 0, 3, 1), new long[] {1, 0, 1, 1}));
        for (int i = 0; i < 3; i++) {
            long[] from = Samples.shape(r, 1 + r.nextInt(5), 6, 400);
            long[] to = Samples.broadcastTarget(r, from);
            samples.add(sample("NaN/+Inf/-Inf, rank " + from.length, Samples.withSpecials(r, randn(r, from)), to));
        }
        samples.add(sample("+Inf alone in its sum", Samples.withSpecial(r, randn(r, 4, 5), Float.POSITIVE_INFINITY),
                new long[] {1, 5}));
        samples.add(sample("-Inf alone in its sum", Samples.withSpecial(r, randn(r, 4, 5), Float.NEGATIVE_INFINITY),
                new long[] {4, 1}));
        samples.add(Sample.rejected("[2, 3] to [4]: does not broadcast", "does not broadcast",
                new SumToShapeParams(Shape.of(4)), randn(r, 2, 3)));
        samples.add(Sample.rejected("[3] to [2, 3]: more dimensions", "more dimensions",
                new SumToShapeParams(Shape.of(2, 3)), randn(r, 3)));
        samples.add(Sample.rejected("[2, 0] to [2, 2]: empty does not broadcast to 2", "does not broadcast",
                new SumToShapeParams(Shape.of(2, 2)), randn(r, 2, 0)));
        return samples;
    }

    private static Sample<SumToShapeParams> sample(String name, Sample.Operand grad, long[] to) {
        return Sample.of(name + ": " + grad.shape() + " to " + Shape.of(to), new SumToShapeParams(Shape.of(to)), grad);
    }
}
