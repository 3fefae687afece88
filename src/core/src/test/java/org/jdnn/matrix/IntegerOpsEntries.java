package org.jdnn.matrix;

import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.ArgReductionOps.DimParams;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.ComparisonOps.CompareParams;
import org.jdnn.ops.ComparisonOps.CompareScalarParams;
import org.jdnn.ops.ComparisonOps.FillParams;
import org.jdnn.ops.ComparisonOps.LogicalParams;
import org.jdnn.ops.IndexOps;
import org.jdnn.ops.IndexOps.DimShapeParams;
import org.jdnn.ops.IndexOps.ScatterBackwardParams;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.ops.NoParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the integer- and bool-valued ops: argmax/argmin and max/min along a dimension (int64 indices),
 * comparisons, logical ops, where and masked_fill (bool), index_select, gather, scatter and scatter_add (int64 indices)
 * with their backward ops. Indices and bool results are compared exactly; the data moved by where, gather, scatter and
 * index_select exactly too (a copy); sums of gradients (scatter_add, the backward ops) with
 * {@code 1e-5 |ref| + 1e-6 sqrt(K)}, K the elements summed into one. Samples: ranks 0 to 5, broadcasting, empty
 * dimensions, ties, NaN and infinities, int64, bool and float64 operands, and refusals (an index out of range is
 * refused by the kernel, on every backend).
 */
final class IntegerOpsEntries {
    private IntegerOpsEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(ArgReductionOps.ARGMAX).tolerance(0, 0).samples(r -> argSamples(r, "argmax"))
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ArgReductionOps.ARGMIN).tolerance(0, 0).samples(r -> argSamples(r, "argmin"))
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ArgReductionOps.MAX_DIM).tolerance(0, 0).differentiable()
                        .samples(r -> extremeSamples(r, "max")).messageName(p -> "max")
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ArgReductionOps.MIN_DIM).tolerance(0, 0).differentiable()
                        .samples(r -> extremeSamples(r, "min")).messageName(p -> "min")
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ComparisonOps.COMPARE).tolerance(0, 0).samples(IntegerOpsEntries::compareSamples)
                        .messageName(p -> p.algorithm().opName())
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ComparisonOps.COMPARE_SCALAR).tolerance(0, 0).samples(IntegerOpsEntries::compareScalarSamples)
                        .messageName(p -> p.algorithm().opName())
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ComparisonOps.LOGICAL).tolerance(0, 0).samples(IntegerOpsEntries::logicalSamples)
                        .messageName(p -> p.algorithm().opName())
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ComparisonOps.LOGICAL_NOT).tolerance(0, 0).samples(IntegerOpsEntries::logicalNotSamples)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ComparisonOps.WHERE).tolerance(0, 0).gradientTolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(IntegerOpsEntries::whereSamples)
                        .reductions((p, in) -> null, (p, in) -> whereSummed(in))
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(ComparisonOps.MASKED_FILL).tolerance(0, 0).differentiable().affine()
                        .samples(IntegerOpsEntries::maskedFillSamples)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.INDEX_SELECT).tolerance(0, 0).gradientTolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(IntegerOpsEntries::indexSelectSamples)
                        .reductions((p, in) -> null, (p, in) -> new long[] {Math.max(1, in[1].numel())})
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.INDEX_SELECT_BACKWARD).tolerance(1e-5, 1e-6)
                        .samples(IntegerOpsEntries::indexSelectBackwardSamples)
                        .reductions((p, in) -> new long[] {Math.max(1, in[1].numel())}, null)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.GATHER).tolerance(0, 0).gradientTolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(IntegerOpsEntries::gatherSamples)
                        .reductions((p, in) -> null, (p, in) -> new long[] {Math.max(1, in[1].numel())})
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.GATHER_BACKWARD).tolerance(1e-5, 1e-6)
                        .samples(IntegerOpsEntries::gatherBackwardSamples)
                        .reductions((p, in) -> new long[] {Math.max(1, in[1].numel())}, null)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.SCATTER).tolerance(0, 0).differentiable().affine()
                        .samples(r -> scatterSamples(r, "scatter"))
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.SCATTER_ADD).tolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(r -> scatterSamples(r, "scatter_add"))
                        .reductions((p, in) -> new long[] {Math.max(1, in[1].numel())}, null)
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(IndexOps.SCATTER_BACKWARD).tolerance(0, 0)
                        .samples(IntegerOpsEntries::scatterBackwardSamples)
                        .primitiveOptional((p, in) -> true).build());
    }

    // ---- operands ----

    /** {@code operand}'s values with another dtype (the values must be ones it holds). */
    static Sample.Operand as(DType dtype, Sample.Operand operand) {
        return new Sample.Operand(operand.shape(), operand.values(), dtype);
    }

    /** int64 values in [0, bound). */
    static Sample.Operand indices(SplittableRandom r, long bound, long... dims) {
        float[] values = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = bound <= 0 ? 0 : r.nextLong(bound);
        }
        return new Sample.Operand(Shape.of(dims), values, DType.INT64);
    }

    /** Random bools. */
    static Sample.Operand bools(SplittableRandom r, long... dims) {
        float[] values = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextBoolean() ? 1 : 0;
        }
        return new Sample.Operand(Shape.of(dims), values, DType.BOOL);
    }

    /** int64 operand of the given values. */
    static Sample.Operand longs(long[] dims, float... values) {
        return new Sample.Operand(Shape.of(dims), values, DType.INT64);
    }

    private static long[] dims(long... dims) {
        return dims;
    }

    // ---- argmax, argmin, max, min ----

    private static List<Sample<DimParams>> argSamples(SplittableRandom r, String op) {
        List<Sample<DimParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            long[] dims = Samples.shape(r, rank, 7, 400);
            int walked = Math.max(rank, 1);
            int dim = r.nextInt(walked);
            int given = r.nextBoolean() ? dim : dim - walked;
            Sample.Operand x = switch (r.nextInt(3)) {
                case 0 -> randn(r, dims);
                case 1 -> SampleValues.ties(r, 3, dims);
                default -> Samples.withSpecials(r, randn(r, dims));
            };
            samples.add(arg("rank " + rank, new DimParams(given, r.nextBoolean()), x));
        }
        samples.add(arg("ties: the first", new DimParams(1, false),
                SampleValues.of(new float[] {1, 3, 3, 0, 2, 2, 2, 2, 5, 1, 5, 1}, 3, 4)));
        samples.add(arg("ties along the leading dim", new DimParams(0, true), SampleValues.ties(r, 2, 6, 3, 5)));
        samples.add(arg("NaN wins, the first of two", new DimParams(-1, false),
                SampleValues.of(new float[] {1, Float.NaN, 9, Float.NaN, Float.POSITIVE_INFINITY, 2}, 1, 6)));
        samples.add(arg("all NaN", new DimParams(0, false), SampleValues.filled(Float.NaN, 4, 3)));
        samples.add(arg("infinities", new DimParams(1, false), SampleValues.of(new float[] {Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 3, Float.POSITIVE_INFINITY, 7, Float.NEGATIVE_INFINITY}, 2, 3)));
        samples.add(arg("a middle dim", new DimParams(1, false), SampleValues.ties(r, 4, 3, 5, 4)));
        samples.add(arg("an empty other dim", new DimParams(1, false), randn(r, 0, 4)));
        samples.add(arg("long rows", new DimParams(-1, false), randn(r, 3, 257)));
        samples.add(arg("int64", new DimParams(1, false), as(DType.INT64, SampleValues.ties(r, 5, 4, 6))));
        samples.add(arg("float64", new DimParams(0, false), as(DType.FLOAT64, randn(r, 5, 3))));
        samples.add(Sample.rejected("an empty reduced dim", "non-zero size", new DimParams(0, false), randn(r, 0, 4)));
        samples.add(Sample.rejected("dim 2 of a rank-2 tensor", "out of range", new DimParams(2, false),
                randn(r, 2, 3)));
        samples.add(Sample.rejected("dim -2 of a rank-0 tensor", "out of range", new DimParams(-2, false), randn(r)));
        samples.add(Sample.rejected("a bool input", "dtype bool", new DimParams(0, false), bools(r, 3)));
        return samples;
    }

    private static Sample<DimParams> arg(String name, DimParams p, Sample.Operand x) {
        return Sample.of(name + ": " + x.shape() + " dim " + p.dim() + (p.keepDim() ? " keepDim" : ""), p, x);
    }

    /** Distinct values (a maximum a finite-difference step never moves), ties and NaN compared only. */
    private static List<Sample<DimParams>> extremeSamples(SplittableRandom r, String op) {
        List<Sample<DimParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            long[] dims = Samples.shape(r, rank, 6, 300);
            int walked = Math.max(rank, 1);
            int dim = r.nextInt(walked);
            samples.add(arg("rank " + rank, new DimParams(r.nextBoolean() ? dim : dim - walked, r.nextBoolean()),
                    SampleValues.distinct(r, 0.5, dims)));
        }
        samples.add(arg("ties: the first takes the gradient", new DimParams(1, false),
                SampleValues.ties(r, 2, 4, 5)).comparedOnly());
        samples.add(arg("NaN and infinities", new DimParams(0, true), Samples.withSpecials(r, randn(r, 3, 4))));
        samples.add(arg("an empty other dim", new DimParams(1, true), randn(r, 0, 3)));
        samples.add(Sample.rejected("an empty reduced dim", "non-zero size", new DimParams(1, false), randn(r, 2, 0)));
        samples.add(Sample.rejected("dim 3 of a rank-3 tensor", "out of range", new DimParams(3, false),
                randn(r, 2, 2, 2)));
        return samples;
    }

    // ---- comparisons and logical ops ----

    private static List<Sample<CompareParams>> compareSamples(SplittableRandom r) {
        List<Sample<CompareParams>> samples = new ArrayList<>();
        for (CompareAlgorithm algorithm : CompareAlgorithm.values()) {
            CompareParams p = new CompareParams(algorithm);
            int rank = r.nextInt(6);
            long[] full = Samples.shape(r, rank, 5, 300);
            long[] other = Samples.broadcastTarget(r, full);
            boolean swap = r.nextBoolean();
            Sample.Operand a = SampleValues.ties(r, 3, full), b = SampleValues.ties(r, 3, other);
            samples.add(Sample.of(algorithm.opName() + " ties, " + Arrays.toString(full) + " and "
                    + Arrays.toString(other), p, swap ? b : a, swap ? a : b));
            samples.add(Sample.of(algorithm.opName() + " NaN/+Inf/-Inf", p, Samples.withSpecials(r, randn(r, 4, 5)),
                    Samples.withSpecials(r, randn(r, 5))));
            samples.add(Sample.of(algorithm.opName() + " int64", p, as(DType.INT64, SampleValues.ties(r, 4, 3, 4)),
                    as(DType.INT64, SampleValues.ties(r, 4, 3, 1))));
            samples.add(Sample.of(algorithm.opName() + " bool", p, bools(r, 2, 3), bools(r, 3)));
        }
        CompareParams eq = new CompareParams(CompareAlgorithm.EQ);
        samples.add(Sample.of("eq int64 with float32 (compared in float32)", eq,
                as(DType.INT64, SampleValues.ties(r, 4, 2, 3)), SampleValues.of(new float[] {0, 1.5f, 3}, 3)));
        samples.add(Sample.of("lt float64 with float32", new CompareParams(CompareAlgorithm.LT),
                as(DType.FLOAT64, randn(r, 3, 2)), randn(r, 2)));
        samples.add(Sample.of("eq rank 0 with rank 0", eq, SampleValues.of(new float[] {1}), SampleValues.of(
                new float[] {1})));
        samples.add(Sample.of("ne empty", new CompareParams(CompareAlgorithm.NE), randn(r, 3, 0), randn(r, 1)));
        samples.add(Sample.rejected("[2, 3] and [2]", "do not broadcast", eq, randn(r, 2, 3), randn(r, 2)));
        return samples;
    }

    private static List<Sample<CompareScalarParams>> compareScalarSamples(SplittableRandom r) {
        List<Sample<CompareScalarParams>> samples = new ArrayList<>();
        double[] scalars = {0, 1, -0.5, 0.25, Double.NaN, Double.POSITIVE_INFINITY};
        for (CompareAlgorithm algorithm : CompareAlgorithm.values()) {
            for (double s : scalars) {
                int rank = r.nextInt(6);
                Sample.Operand x = SampleValues.ties(r, 3, Samples.shape(r, rank, 5, 200));
                samples.add(Sample.of(algorithm.opName() + " " + s + ", rank " + rank,
                        new CompareScalarParams(algorithm, s), s == 0.25 ? SampleValues.filled(0.25f, 3) : x));
            }
            samples.add(Sample.of(algorithm.opName() + " int64 with 2", new CompareScalarParams(algorithm, 2),
                    as(DType.INT64, SampleValues.ties(r, 4, 5))));
            samples.add(Sample.of(algorithm.opName() + " int64 with 1.5 (in float32)",
                    new CompareScalarParams(algorithm, 1.5), as(DType.INT64, SampleValues.ties(r, 4, 5))));
            samples.add(Sample.of(algorithm.opName() + " bool with 1", new CompareScalarParams(algorithm, 1),
                    bools(r, 4)));
        }
        samples.add(Sample.of("gt NaN/+Inf/-Inf", new CompareScalarParams(CompareAlgorithm.GT, 0),
                Samples.withSpecials(r, randn(r, 6))));
        samples.add(Sample.of("eq float64", new CompareScalarParams(CompareAlgorithm.EQ, 0.1),
                new Sample.Operand(Shape.of(2), new float[] {0.1f, 1}, DType.FLOAT64)));
        samples.add(Sample.of("le empty", new CompareScalarParams(CompareAlgorithm.LE, 0), randn(r, 0, 2)));
        return samples;
    }

    private static List<Sample<LogicalParams>> logicalSamples(SplittableRandom r) {
        List<Sample<LogicalParams>> samples = new ArrayList<>();
        for (LogicalAlgorithm algorithm : LogicalAlgorithm.values()) {
            LogicalParams p = new LogicalParams(algorithm);
            for (int rank = 0; rank <= 5; rank += 1) {
                long[] full = Samples.shape(r, rank, 5, 300);
                samples.add(Sample.of(algorithm.opName() + " rank " + rank, p, bools(r, full),
                        bools(r, Samples.broadcastTarget(r, full))));
            }
            samples.add(Sample.of(algorithm.opName() + " floats: NaN true, -0 false", p,
                    SampleValues.of(new float[] {Float.NaN, -0f, 0f, 2f}, 4), bools(r, 4)));
            samples.add(Sample.of(algorithm.opName() + " int64 and float32", p,
                    as(DType.INT64, SampleValues.ties(r, 2, 3, 2)), SampleValues.ties(r, 2, 2)));
            samples.add(Sample.of(algorithm.opName() + " empty", p, bools(r, 0, 3), bools(r, 3)));
        }
        samples.add(Sample.rejected("[3] and [2]", "do not broadcast", new LogicalParams(LogicalAlgorithm.AND),
                bools(r, 3), bools(r, 2)));
        return samples;
    }

    private static List<Sample<NoParams>> logicalNotSamples(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            samples.add(Sample.of("bool rank " + rank, NoParams.INSTANCE, bools(r, Samples.shape(r, rank, 5, 300))));
        }
        samples.add(Sample.of("floats: NaN true, -0 false", NoParams.INSTANCE,
                SampleValues.of(new float[] {Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY}, 4)));
        samples.add(Sample.of("int64", NoParams.INSTANCE, as(DType.INT64, SampleValues.ties(r, 3, 5))));
        samples.add(Sample.of("float64", NoParams.INSTANCE, as(DType.FLOAT64, SampleValues.ties(r, 2, 4))));
        samples.add(Sample.of("empty", NoParams.INSTANCE, bools(r, 2, 0)));
        return samples;
    }

    // ---- where, masked_fill ----

    private static List<Sample<NoParams>> whereSamples(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            long[] full = Samples.shape(r, rank, 5, 300);
            Sample.Operand[] operands = {bools(r, full), randn(r, full), randn(r, full)};
            int broadcast = r.nextInt(3);
            long[] smaller = Samples.broadcastTarget(r, full);
            operands[broadcast] = broadcast == 0 ? bools(r, smaller) : randn(r, smaller);
            samples.add(Sample.of("rank " + rank + ", operand " + broadcast + " broadcast", NoParams.INSTANCE,
                    operands));
        }
        samples.add(Sample.of("all three broadcast", NoParams.INSTANCE, bools(r, 3, 1, 1), randn(r, 4, 1),
                randn(r, 5)));
        samples.add(Sample.of("NaN/+Inf/-Inf", NoParams.INSTANCE, bools(r, 4, 5),
                Samples.withSpecials(r, randn(r, 4, 5)), Samples.withSpecials(r, randn(r, 5))));
        samples.add(Sample.of("empty", NoParams.INSTANCE, bools(r, 0, 2), randn(r, 2), randn(r, 1)));
        // Other dtypes: compared across backends (no finite differences in int64; the gradient is float32).
        samples.add(Sample.of("int64", NoParams.INSTANCE, bools(r, 2, 3), as(DType.INT64, SampleValues.ties(r, 9, 3)),
                as(DType.INT64, SampleValues.ties(r, 9, 2, 1))).comparedOnly());
        samples.add(Sample.of("float64", NoParams.INSTANCE, bools(r, 3), as(DType.FLOAT64, randn(r, 2, 3)),
                as(DType.FLOAT64, randn(r, 2, 3))).comparedOnly());
        samples.add(Sample.rejected("a float32 condition", "condition has dtype float32", NoParams.INSTANCE,
                randn(r, 3), randn(r, 3), randn(r, 3)));
        samples.add(Sample.rejected("input and other of two dtypes", "dtype", NoParams.INSTANCE, bools(r, 3),
                randn(r, 3), as(DType.INT64, SampleValues.ties(r, 2, 3))));
        samples.add(Sample.rejected("[3] and [2]", "do not broadcast", NoParams.INSTANCE, bools(r, 3), randn(r, 2),
                randn(r, 1)));
        return samples;
    }

    /** Each gradient's K: the output elements summed into one element of it. */
    private static long[] whereSummed(Shape[] in) {
        Shape out = BroadcastShapes.broadcast("where", BroadcastShapes.broadcast("where", in[0], in[1]), in[2]);
        long n = Math.max(1, out.numel());
        return new long[] {1, n / Math.max(1, in[1].numel()), n / Math.max(1, in[2].numel())};
    }

    private static List<Sample<FillParams>> maskedFillSamples(SplittableRandom r) {
        List<Sample<FillParams>> samples = new ArrayList<>();
        double[] values = {0, -1.5, Double.NEGATIVE_INFINITY, Double.NaN};
        for (int rank = 0; rank <= 5; rank++) {
            long[] full = Samples.shape(r, rank, 5, 300);
            double value = values[rank % values.length];
            Sample<FillParams> sample = Sample.of("rank " + rank + ", value " + value, new FillParams(value),
                    randn(r, full), bools(r, Samples.broadcastTarget(r, full)));
            samples.add(Double.isFinite(value) ? sample : sample.comparedOnly()); // a NaN loss has no slope
        }
        samples.add(Sample.of("empty", new FillParams(1), randn(r, 0, 3), bools(r, 3)));
        samples.add(Sample.of("int64", new FillParams(-7), as(DType.INT64, SampleValues.ties(r, 9, 2, 3)),
                bools(r, 3)).comparedOnly());
        samples.add(Sample.of("bool", new FillParams(1), bools(r, 2, 3), bools(r, 2, 1)).comparedOnly());
        samples.add(Sample.rejected("a mask that does not broadcast to input", "does not broadcast",
                new FillParams(0), randn(r, 3), bools(r, 2, 3)));
        samples.add(Sample.rejected("a float32 mask", "mask has dtype float32", new FillParams(0), randn(r, 3),
                randn(r, 3)));
        samples.add(Sample.rejected("0.5 into int64", "value 0.5", new FillParams(0.5),
                as(DType.INT64, SampleValues.ties(r, 2, 3)), bools(r, 3)));
        return samples;
    }

    // ---- index_select, gather, scatter ----

    private static List<Sample<IndexOps.DimParams>> indexSelectSamples(SplittableRandom r) {
        List<Sample<IndexOps.DimParams>> samples = new ArrayList<>();
        for (int rank = 1; rank <= 5; rank++) {
            long[] dims = Samples.shape(r, rank, 5, 300);
            int dim = r.nextInt(rank);
            long n = r.nextInt(7);
            samples.add(Sample.of("rank " + rank + " dim " + dim + ", " + n + " indices (repeats)",
                    new IndexOps.DimParams(r.nextBoolean() ? dim : dim - rank), randn(r, dims),
                    indices(r, dims[dim], n)));
        }
        samples.add(Sample.of("rank 0", new IndexOps.DimParams(0), randn(r), indices(r, 1, 1)));
        samples.add(Sample.of("a rank-0 index", new IndexOps.DimParams(1), randn(r, 2, 3), indices(r, 3)));
        samples.add(Sample.of("NaN/+Inf/-Inf", new IndexOps.DimParams(1), Samples.withSpecials(r, randn(r, 3, 4)),
                indices(r, 4, 5)));
        samples.add(Sample.of("no indices", new IndexOps.DimParams(0), randn(r, 3, 2), indices(r, 3, 0)));
        samples.add(Sample.of("bool rows", new IndexOps.DimParams(0), bools(r, 4, 2), indices(r, 4, 6)).comparedOnly());
        samples.add(Sample.rejected("index 3 of size 3", "index 3 is out of range", new IndexOps.DimParams(0),
                randn(r, 3, 2), longs(dims(2), 0, 3)));
        samples.add(Sample.rejected("index 5 with nothing to copy", "index 5 is out of range",
                new IndexOps.DimParams(0), randn(r, 3, 0), longs(dims(1), 5)));
        samples.add(Sample.rejected("index -1", "index -1 is out of range", new IndexOps.DimParams(1),
                randn(r, 3, 2), longs(dims(1), -1)));
        samples.add(Sample.rejected("a rank-2 index", "rank 0 or 1", new IndexOps.DimParams(0), randn(r, 3),
                indices(r, 3, 1, 1)));
        samples.add(Sample.rejected("a float32 index", "index has dtype float32", new IndexOps.DimParams(0),
                randn(r, 3), SampleValues.of(new float[] {0}, 1)));
        return samples;
    }

    private static List<Sample<DimShapeParams>> indexSelectBackwardSamples(SplittableRandom r) {
        List<Sample<DimShapeParams>> samples = new ArrayList<>();
        for (int rank = 1; rank <= 4; rank++) {
            long[] dims = Samples.shape(r, rank, 5, 300);
            int dim = r.nextInt(rank);
            long n = 1 + r.nextInt(8);
            long[] gradDims = dims.clone();
            gradDims[dim] = n;
            samples.add(Sample.of("rank " + rank + " dim " + dim, new DimShapeParams(dim, Shape.of(dims)),
                    randn(r, gradDims), indices(r, dims[dim], n)));
        }
        samples.add(Sample.rejected("index 4 of size 4", "index 4 is out of range",
                new DimShapeParams(0, Shape.of(4)), randn(r, 1), longs(dims(1), 4)));
        return samples;
    }

    /** An index for gather/scatter along {@code dim}: no larger than {@code limit} elsewhere, values in [0, bound). */
    private static Sample.Operand gatherIndex(SplittableRandom r, long[] limit, int dim, long bound, long maxAlongDim) {
        long[] dims = new long[limit.length];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = d == dim ? r.nextLong(maxAlongDim + 1) : r.nextLong(limit[d] + 1);
        }
        return indices(r, bound, dims);
    }

    /**
     * An index of shape {@code dims} whose values along {@code dim} are distinct (a prefix of a random permutation of
     * [0, bound) at every other position); {@code dims[dim] <= bound}.
     */
    private static Sample.Operand distinctIndex(SplittableRandom r, long[] dims, int dim, long bound) {
        Shape shape = Shape.of(dims);
        float[] values = new float[Math.toIntExact(shape.numel())];
        long inner = 1;
        for (int d = dim + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        long size = dims[dim], outer = size == 0 || inner == 0 ? 0 : values.length / (size * inner);
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                int[] permutation = r.ints(0, (int) bound).distinct().limit(size).toArray();
                for (int k = 0; k < size; k++) {
                    values[(int) ((o * size + k) * inner + i)] = permutation[k];
                }
            }
        }
        return new Sample.Operand(shape, values, DType.INT64);
    }

    private static List<Sample<IndexOps.DimParams>> gatherSamples(SplittableRandom r) {
        List<Sample<IndexOps.DimParams>> samples = new ArrayList<>();
        for (int rank = 1; rank <= 5; rank++) {
            long[] dims = Samples.shape(r, rank, 5, 300);
            int dim = r.nextInt(rank);
            Sample.Operand index = gatherIndex(r, dims, dim, dims[dim], 6);
            samples.add(Sample.of("rank " + rank + " dim " + dim + ", index " + index.shape(),
                    new IndexOps.DimParams(r.nextBoolean() ? dim : dim - rank), randn(r, dims), index));
        }
        samples.add(Sample.of("rank 0", new IndexOps.DimParams(-1), randn(r), indices(r, 1)));
        samples.add(Sample.of("index of input's shape", new IndexOps.DimParams(1), randn(r, 3, 4), indices(r, 4, 3, 4)));
        samples.add(Sample.of("NaN/+Inf/-Inf", new IndexOps.DimParams(0), Samples.withSpecials(r, randn(r, 3, 4)),
                indices(r, 3, 2, 4)));
        samples.add(Sample.of("an empty index", new IndexOps.DimParams(1), randn(r, 3, 4), indices(r, 4, 3, 0)));
        samples.add(Sample.of("int64 data", new IndexOps.DimParams(0), as(DType.INT64, SampleValues.ties(r, 9, 3, 2)),
                indices(r, 3, 5, 2)).comparedOnly());
        samples.add(Sample.rejected("index 4 of size 4", "index 4 is out of range for dimension 1 with size 4",
                new IndexOps.DimParams(1), randn(r, 2, 4), longs(dims(1, 2), 0, 4)));
        samples.add(Sample.rejected("index larger than input elsewhere", "larger than",
                new IndexOps.DimParams(1), randn(r, 2, 4), indices(r, 4, 3, 1)));
        samples.add(Sample.rejected("ranks differ", "same number of dimensions", new IndexOps.DimParams(0),
                randn(r, 2, 4), indices(r, 2, 2)));
        return samples;
    }

    private static List<Sample<DimShapeParams>> gatherBackwardSamples(SplittableRandom r) {
        List<Sample<DimShapeParams>> samples = new ArrayList<>();
        for (int rank = 1; rank <= 4; rank++) {
            long[] dims = Samples.shape(r, rank, 5, 300);
            int dim = r.nextInt(rank);
            Sample.Operand index = gatherIndex(r, dims, dim, dims[dim], 6);
            samples.add(Sample.of("rank " + rank + " dim " + dim + ", index " + index.shape(),
                    new DimShapeParams(dim, Shape.of(dims)), randn(r, index.shape().dims()), index));
        }
        samples.add(Sample.of("many duplicates", new DimShapeParams(0, Shape.of(2, 3)), randn(r, 40, 3),
                indices(r, 2, 40, 3)));
        samples.add(Sample.rejected("index 2 of size 2", "index 2 is out of range",
                new DimShapeParams(0, Shape.of(2)), randn(r, 1), longs(dims(1), 2)));
        return samples;
    }

    private static List<Sample<IndexOps.DimParams>> scatterSamples(SplittableRandom r, String op) {
        List<Sample<IndexOps.DimParams>> samples = new ArrayList<>();
        for (int rank = 1; rank <= 5; rank++) {
            long[] dims = Samples.shape(r, rank, 5, 300);
            int dim = r.nextInt(rank);
            long[] srcDims = dims.clone();
            srcDims[dim] = 1 + r.nextInt(5);
            long[] limit = dims.clone();
            limit[dim] = Math.min(srcDims[dim], dims[dim]);
            // Distinct targets along dim: with duplicates scatter's src gradient (PyTorch's formula) is not the slope.
            Sample.Operand index = distinctIndex(r, limit, dim, dims[dim]);
            samples.add(Sample.of("rank " + rank + " dim " + dim + ", index " + index.shape() + ", src "
                            + Arrays.toString(srcDims), new IndexOps.DimParams(r.nextBoolean() ? dim : dim - rank),
                    randn(r, dims), index, randn(r, srcDims)));
        }
        samples.add(Sample.of("rank 0", new IndexOps.DimParams(0), randn(r), indices(r, 1), randn(r)));
        Sample<IndexOps.DimParams> duplicates = Sample.of("duplicates (the last wins, or all add)",
                new IndexOps.DimParams(0), randn(r, 2, 3), indices(r, 2, 6, 3), randn(r, 6, 3));
        samples.add(op.equals("scatter") ? duplicates.comparedOnly() : duplicates);
        samples.add(Sample.of("NaN/+Inf/-Inf", new IndexOps.DimParams(1), Samples.withSpecials(r, randn(r, 3, 4)),
                distinctIndex(r, new long[] {3, 2}, 1, 4), Samples.withSpecials(r, randn(r, 3, 3))));
        samples.add(Sample.of("an empty index", new IndexOps.DimParams(0), randn(r, 2, 3), indices(r, 2, 0, 3),
                randn(r, 1, 3)));
        if (op.equals("scatter")) {
            samples.add(Sample.of("bool data", new IndexOps.DimParams(0), bools(r, 3, 2), indices(r, 3, 2, 2),
                    bools(r, 2, 2)).comparedOnly());
        } else {
            samples.add(Sample.of("int64 data (exact sums)", new IndexOps.DimParams(0),
                    as(DType.INT64, SampleValues.ties(r, 9, 3, 2)), indices(r, 3, 4, 2),
                    as(DType.INT64, SampleValues.ties(r, 9, 4, 2))).comparedOnly());
        }
        samples.add(Sample.rejected("index 3 of size 3", "index 3 is out of range for dimension 0 with size 3",
                new IndexOps.DimParams(0), randn(r, 3, 2), longs(dims(1, 2), 1, 3), randn(r, 1, 2)));
        samples.add(Sample.rejected("index larger than src", "larger than src", new IndexOps.DimParams(0),
                randn(r, 3, 2), indices(r, 3, 2, 2), randn(r, 1, 2)));
        samples.add(Sample.rejected("src of another dtype", "dtype", new IndexOps.DimParams(0),
                randn(r, 3, 2), indices(r, 3, 1, 2), as(DType.FLOAT64, randn(r, 1, 2))));
        return samples;
    }

    private static List<Sample<ScatterBackwardParams>> scatterBackwardSamples(SplittableRandom r) {
        List<Sample<ScatterBackwardParams>> samples = new ArrayList<>();
        for (int rank = 1; rank <= 4; rank++) {
            long[] dims = Samples.shape(r, rank, 5, 300);
            int dim = r.nextInt(rank);
            long[] srcDims = dims.clone();
            srcDims[dim] = 1 + r.nextInt(4);
            long[] limit = dims.clone();
            limit[dim] = srcDims[dim];
            Sample.Operand index = gatherIndex(r, limit, dim, dims[dim], srcDims[dim]);
            boolean add = r.nextBoolean();
            samples.add(Sample.of("rank " + rank + " dim " + dim + (add ? " add" : ""),
                    new ScatterBackwardParams(dim, Shape.of(srcDims), add, true, true), randn(r, dims), index));
        }
        samples.add(Sample.of("input's gradient only", new ScatterBackwardParams(1, Shape.of(2, 2), false, true, false),
                randn(r, 2, 3), indices(r, 3, 2, 2)));
        samples.add(Sample.rejected("index 3 of size 3", "index 3 is out of range",
                new ScatterBackwardParams(0, Shape.of(1), false, true, true), randn(r, 3), longs(dims(1), 3)));
        return samples;
    }
}
