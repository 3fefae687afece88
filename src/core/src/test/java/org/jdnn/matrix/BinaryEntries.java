package org.jdnn.matrix;

import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps.CompareParams;
import org.jdnn.ops.BinaryOps.ScalarParams;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.NoParams;
import org.jdnn.tensor.Shape;
import org.jdnn.testing.RandomShapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.EltwiseEntries.awayFromZero;
import static org.jdnn.matrix.EltwiseEntries.uniform;
import static org.jdnn.matrix.EltwiseEntries.withInfinities;
import static org.jdnn.matrix.EltwiseEntries.withNaN;
import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the binary family: binary over every {@link BinaryAlgorithm} with broadcasting (rank 0 and
 * empty dimensions included), binary_scalar, compare over every {@link CompareAlgorithm}, copy, and dropout with fixed
 * seeds. Bounds as the parity suite: one float operation per element, {@code 1e-5 |ref| + 1e-6}; a broadcast
 * operand's gradient is summed back, {@code 1e-5 |ref| + 1e-5 sqrt(K)} with K the elements summed into one. compare,
 * copy and dropout exact.
 *
 * <p>Checked samples keep the derivative smooth within a finite-difference step: divisors in +-[0.5, 2], and for MAX
 * and MIN operands at least 0.3 apart; ties and zero divisors are in samples compared only.
 */
final class BinaryEntries {
    private static final int PARITY_CASES = 8;

    private BinaryEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(BinaryOps.BINARY).tolerance(1e-5, 1e-6).gradientTolerance(1e-5, 1e-5).differentiable()
                        .finiteDifferences(0.01, 1e-3)
                        .samples(BinaryEntries::binary)
                        .messageName(BinaryParams::opName)
                        .reductions((p, in) -> null, (p, in) -> summed(in))
                        .primitiveOptional((p, in) -> out(in).numel() == 0).build(),
                OpInfo.of(BinaryOps.BINARY_SCALAR).tolerance(1e-5, 1e-6).differentiable()
                        .finiteDifferences(0.01, 1e-3)
                        .samples(BinaryEntries::scalar)
                        .primitiveOptional((p, in) -> in[0].numel() == 0).build(),
                OpInfo.of(BinaryOps.COMPARE).tolerance(0, 0)
                        .samples(BinaryEntries::compare)
                        .primitiveOptional((p, in) -> out(in).numel() == 0).build(),
                OpInfo.of(BinaryOps.COPY).tolerance(0, 0).differentiable().affine()
                        .samples(BinaryEntries::copy)
                        // a memory copy on oneDNN
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(DropoutOps.DROPOUT).tolerance(0, 0).differentiable().affine()
                        .samples(BinaryEntries::dropout)
                        // inference is a copy
                        .primitiveOptional((p, in) -> !p.training() || in[0].numel() == 0).build());
    }

    private static Shape out(Shape[] in) {
        return BroadcastShapes.broadcast("binary", in[0], in[1]);
    }

    /** Per operand, how many of the output's elements its gradient sums into one element. */
    private static long[] summed(Shape[] in) {
        long out = out(in).numel();
        return new long[] {out / Math.max(1, in[0].numel()), out / Math.max(1, in[1].numel())};
    }

    // ---- operands ----

    /** Values {@code integer + offset + u}, integer in [-3, 3], u in [-0.1, 0.1]: offsets 0 and 0.5 stay 0.3 apart. */
    private static Sample.Operand grid(SplittableRandom r, double offset, long... dims) {
        Sample.Operand o = uniform(r, -0.1, 0.1, dims);
        float[] v = o.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextInt(-3, 4) + offset + v[i]);
        }
        return o;
    }

    /** Small integers in [-2, 2], ties between operands frequent. */
    private static Sample.Operand integers(SplittableRandom r, long... dims) {
        Sample.Operand o = uniform(r, 0, 1, dims);
        float[] v = o.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(-2, 3);
        }
        return o;
    }

    private static Sample.Operand values(long[] dims, float... v) {
        return new Sample.Operand(Shape.of(dims), v.clone());
    }

    /** The operands of {@code algorithm} for a checked sample: a uniform in [-3, 3], b a divisor or 0.3 from a. */
    private static Sample.Operand[] operands(SplittableRandom r, BinaryAlgorithm algorithm, long[] a, long[] b) {
        return switch (algorithm) {
            case MAX, MIN -> new Sample.Operand[] {grid(r, 0.5, a), grid(r, 0, b)};
            case DIV -> new Sample.Operand[] {uniform(r, -3, 3, a), awayFromZero(r, 0.5, 2, b)};
            default -> new Sample.Operand[] {uniform(r, -3, 3, a), uniform(r, -3, 3, b)};
        };
    }

    // ---- binary ----

    /**
     * Per algorithm: the parity suite's eight broadcast patterns (the output of rank 1..4, either operand broadcast,
     * ranks differing; sizes smaller), rank 0 against rank 0 and against rank 3, rank 5, empty dims (broadcast against
     * a non-empty operand too), NaN and +Inf/-Inf in each operand, and for MAX/MIN ties (compared only); DIV by +-0;
     * shapes that do not broadcast refused.
     */
    private static List<Sample<BinaryParams>> binary(SplittableRandom r) {
        List<Sample<BinaryParams>> samples = new ArrayList<>();
        for (BinaryAlgorithm algorithm : BinaryAlgorithm.values()) {
            BinaryParams p = BinaryParams.of(algorithm);
            String op = algorithm.opName();
            for (int i = 0; i < PARITY_CASES; i++) {
                long[] out = RandomShapes.shape(r, 1 + r.nextInt(4), 600);
                long[] a = i == 0 ? out : RandomShapes.broadcastOperand(r, out);
                long[] b = i == 1 ? out : RandomShapes.broadcastOperand(r, out);
                samples.add(sample(op, p, operands(r, algorithm, a, b)));
            }
            samples.add(sample(op + " rank 0", p, operands(r, algorithm, new long[0], new long[0])));
            samples.add(sample(op + " rank 0 against rank 3", p, operands(r, algorithm, new long[] {2, 3, 4},
                    new long[0])));
            samples.add(sample(op + " rank 5", p, operands(r, algorithm, new long[] {2, 1, 3, 1, 4},
                    new long[] {3, 2, 4})));
            samples.add(sample(op + " empty", p, operands(r, algorithm, new long[] {3, 0, 2}, new long[] {2})));
            samples.add(sample(op + " empty against a scalar", p, operands(r, algorithm, new long[] {0},
                    new long[0])));
            samples.add(sample(op + " 1 broadcast to empty", p, operands(r, algorithm, new long[] {2, 1},
                    new long[] {0})));
            samples.add(sample(op + ", NaN in a", p, withNaN(r, 4, 5), randn(r, 5)));
            samples.add(sample(op + ", NaN in b", p, randn(r, 4, 5), withNaN(r, 4, 1)));
            samples.add(sample(op + ", +Inf/-Inf in a", p, withInfinities(r, 4, 5), randn(r, 4, 5)));
            samples.add(sample(op + ", +Inf/-Inf in b", p, randn(r, 1, 5), withInfinities(r, 4, 5)));
            if (algorithm == BinaryAlgorithm.MAX || algorithm == BinaryAlgorithm.MIN) {
                samples.add(sample(op + ", ties", p, integers(r, 4, 6), integers(r, 6)).comparedOnly());
                samples.add(sample(op + ", +0 against -0", p, values(new long[] {4}, 0f, -0f, 0f, -0f),
                        values(new long[] {4}, 0f, 0f, -0f, -0f)).comparedOnly());
            }
            if (algorithm == BinaryAlgorithm.DIV) {
                samples.add(sample(op + " by +-0", p, values(new long[] {6}, 1f, -1f, 0f, 1f, -1f, 0f),
                        values(new long[] {6}, 0f, 0f, 0f, -0f, -0f, -0f)).comparedOnly());
            }
        }
        BinaryParams add = BinaryParams.of(BinaryAlgorithm.ADD);
        samples.add(Sample.rejected("[2, 3] and [4]", "do not broadcast", add, randn(r, 2, 3), randn(r, 4)));
        samples.add(Sample.rejected("[2, 0] and [2, 2]", "do not broadcast", BinaryParams.of(BinaryAlgorithm.MUL),
                randn(r, 2, 0), randn(r, 2, 2)));
        samples.add(Sample.rejected("[5, 4, 2, 3] and [3, 2, 3]", "do not broadcast",
                BinaryParams.of(BinaryAlgorithm.MAX), randn(r, 5, 4, 2, 3), randn(r, 3, 2, 3)));
        return samples;
    }

    private static <P> Sample<P> sample(String name, P params, Sample.Operand... in) {
        return Sample.of(name + ": " + in[0] + ", " + in[1], params, in);
    }

    // ---- binary_scalar ----

    /**
     * Per algorithm: the parity suite's scalars (+-[0.5, 2]) over shapes of rank 0..5, empty, NaN and +Inf/-Inf in a;
     * the scalar NaN, +Inf and 0 (compared only); for MAX/MIN values 0.3 from the scalar and ties.
     */
    private static List<Sample<ScalarParams>> scalar(SplittableRandom r) {
        List<Sample<ScalarParams>> samples = new ArrayList<>();
        for (BinaryAlgorithm algorithm : BinaryAlgorithm.values()) {
            String op = algorithm.opName();
            boolean maxMin = algorithm == BinaryAlgorithm.MAX || algorithm == BinaryAlgorithm.MIN;
            for (int rank = 0; rank <= 5; rank += 1 + r.nextInt(2)) {
                long[] shape = Samples.shape(r, rank, 6, 400);
                float scalar = (float) r.nextDouble(0.5, 2) * (r.nextBoolean() ? 1 : -1);
                Sample.Operand a = uniform(r, -3, 3, shape);
                if (maxMin) {
                    scalar = 0.5f;
                    a = grid(r, 0, shape);
                }
                samples.add(Sample.of(op + " " + scalar + ": " + a, new ScalarParams(algorithm, scalar), a));
            }
            samples.add(Sample.of(op + " 1.5: empty", new ScalarParams(algorithm, 1.5f), randn(r, 2, 0)));
            samples.add(Sample.of(op + " 1.5: NaN in a", new ScalarParams(algorithm, 1.5f), withNaN(r, 3, 4)));
            samples.add(Sample.of(op + " 1.5: +Inf/-Inf in a", new ScalarParams(algorithm, 1.5f),
                    withInfinities(r, 3, 4)));
            Sample.Operand zeros = values(new long[] {5}, 0f, -0f, 1f, -2f, 3.5f);
            samples.add(Sample.of(op + " NaN", new ScalarParams(algorithm, Float.NaN), zeros).comparedOnly());
            samples.add(Sample.of(op + " +Inf", new ScalarParams(algorithm, Float.POSITIVE_INFINITY), zeros)
                    .comparedOnly());
            samples.add(Sample.of(op + " 0", new ScalarParams(algorithm, 0f), zeros).comparedOnly());
            if (maxMin) {
                samples.add(Sample.of(op + " 1: ties", new ScalarParams(algorithm, 1f), integers(r, 3, 5))
                        .comparedOnly());
            }
        }
        return samples;
    }

    // ---- compare ----

    /**
     * Per comparison: broadcast patterns over small integers (ties frequent), rank 0, empty, NaN (false but for ne),
     * +-Inf and +-0; shapes that do not broadcast refused.
     */
    private static List<Sample<CompareParams>> compare(SplittableRandom r) {
        List<Sample<CompareParams>> samples = new ArrayList<>();
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        for (CompareAlgorithm algorithm : CompareAlgorithm.values()) {
            CompareParams p = new CompareParams(algorithm);
            String op = algorithm.opName();
            for (int i = 0; i < 4; i++) {
                long[] out = RandomShapes.shape(r, 1 + r.nextInt(4), 600);
                long[] a = i == 0 ? out : RandomShapes.broadcastOperand(r, out);
                long[] b = i == 1 ? out : RandomShapes.broadcastOperand(r, out);
                samples.add(sample(op, p, integers(r, a), integers(r, b)));
            }
            samples.add(sample(op + " rank 0", p, integers(r), integers(r)));
            samples.add(sample(op + " empty", p, randn(r, 0, 3), randn(r, 3)));
            samples.add(sample(op + " NaN, +-Inf, +-0", p,
                    values(new long[] {9}, nan, 1f, nan, inf, -inf, inf, 0f, -0f, 2f),
                    values(new long[] {9}, 1f, nan, nan, inf, inf, -inf, -0f, 0f, inf)));
        }
        samples.add(Sample.rejected("[2, 3] and [2]", "do not broadcast", new CompareParams(CompareAlgorithm.EQ),
                randn(r, 2, 3), randn(r, 2)));
        return samples;
    }

    // ---- copy ----

    /** Shapes of rank 0..5, empty, and NaN, +-Inf, -0 copied bit for bit. */
    private static List<Sample<NoParams>> copy(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            Sample.Operand x = randn(r, Samples.shape(r, rank, 6, 600));
            samples.add(Sample.of("rank " + rank + ": " + x, NoParams.INSTANCE, x));
        }
        samples.add(Sample.of("empty", NoParams.INSTANCE, randn(r, 4, 0, 2)));
        samples.add(Sample.of("NaN, +-Inf, -0", NoParams.INSTANCE, values(new long[] {2, 3}, Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE)));
        return samples;
    }

    // ---- dropout ----

    /**
     * Training at p 0, 0.1, 0.5 and 0.9 with fixed seeds over shapes of rank 0..5 (the mask of the seed, the same on
     * every backend), inference (a copy), empty, NaN and +-Inf (a dropped infinity is NaN, as 0 * Inf).
     */
    private static List<Sample<DropoutParams>> dropout(SplittableRandom r) {
        List<Sample<DropoutParams>> samples = new ArrayList<>();
        float[] ps = {0f, 0.1f, 0.5f, 0.9f};
        for (int i = 0; i < 8; i++) {
            int rank = i % 6;
            Sample.Operand x = randn(r, Samples.shape(r, rank, 8, 800));
            DropoutParams p = new DropoutParams(ps[i % ps.length], true, 1000 + i);
            samples.add(Sample.of("p " + p.p() + " seed " + p.seed() + ": " + x, p, x));
        }
        samples.add(Sample.of("inference: " + Shape.of(3, 5), new DropoutParams(0.5f, false, 7), randn(r, 3, 5)));
        samples.add(Sample.of("empty", new DropoutParams(0.5f, true, 8), randn(r, 0, 4)));
        samples.add(Sample.of("NaN", new DropoutParams(0.5f, true, 9), withNaN(r, 4, 5)));
        samples.add(Sample.of("+Inf/-Inf", new DropoutParams(0.5f, true, 10), withInfinities(r, 4, 5)));
        return samples;
    }
}
