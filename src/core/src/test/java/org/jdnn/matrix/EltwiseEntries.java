package org.jdnn.matrix;

import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps.LogParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the element-wise family: eltwise (every {@link EltwiseAlgorithm}; STEP forward only) and
 * eltwise_backward (STEP refused), log and log_backward with their clamp.
 *
 * <p>Bounds as the parity suites: eltwise {@code 1e-5 |ref| + 1e-6}, its gradients and eltwise_backward
 * {@code 1e-5 |ref| + 1e-5} (oneDNN's erf/exp/tanh are vectorised polynomials good to a few ulps; the GELU derivative
 * loses a few more bits in its tails); STEP exact. log and log_backward exact: oneDNN runs the same Java loop as the
 * reference (its own log primitive is off by 2e-6 relative and misreads denormals).
 *
 * <p>Where the activation has a kink (RELU, ELU at 0), the checked samples keep |x| >= 0.25, so that no
 * finite-difference step crosses it; the kink itself is in samples compared only.
 */
final class EltwiseEntries {
    private EltwiseEntries() {
    }

    /** The log parity suite's special values: zeros, a negative, NaN, infinities, denormals, e^-100, the largest float. */
    private static final float[] SPECIAL = {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            1f, 1e-30f, 1e-44f, (float) Math.exp(-100), 3.5f, Float.MAX_VALUE};

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(EltwiseOps.FORWARD).tolerance(1e-5, 1e-6).gradientTolerance(1e-5, 1e-5).differentiable()
                        .finiteDifferences(0.01, 1e-3)
                        .samples(EltwiseEntries::forward)
                        .primitiveOptional((p, in) -> javaLoop(p, in)).build(),
                OpInfo.of(EltwiseOps.BACKWARD).tolerance(1e-5, 1e-5)
                        .samples(EltwiseEntries::backward)
                        .primitiveOptional((p, in) -> javaLoop(p, in)).build(),
                OpInfo.of(EltwiseOps.LOG).tolerance(0, 0).differentiable().finiteDifferences(0.01, 1e-3)
                        .samples(EltwiseEntries::log)
                        // oneDNN's log kernel is a Java loop (see OneDnnEltwise): never a primitive.
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(EltwiseOps.LOG_BACKWARD).tolerance(0, 0)
                        .samples(EltwiseEntries::logBackward)
                        .primitiveOptional((p, in) -> true).build());
    }

    /**
     * Where oneDNN's kernel may be a Java loop, not a primitive (OneDnnEltwiseLoops: the step, softplus, the math
     * functions but sqrt and SiLU), or has nothing to do.
     */
    private static boolean javaLoop(EltwiseParams p, Shape[] in) {
        return in[0].numel() == 0 || switch (p.algorithm()) {
            case STEP, SOFTPLUS -> true;
            case SQRT, SILU -> false;
            default -> p.algorithm().isMath(); // exp: on the primitive unless its input holds a NaN
        };
    }

    /** Whether input {@code i} holds a NaN. */
    static boolean hasNaN(Sample<?> s, int i) {
        for (float v : s.inputs()[i].values()) {
            if (Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    // ---- operands ----

    /** Uniform in [lo, hi). */
    static Sample.Operand uniform(SplittableRandom r, double lo, double hi, long... dims) {
        Shape shape = Shape.of(dims);
        float[] v = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return new Sample.Operand(shape, v);
    }

    /** Uniform in magnitude in [min, max), random sign: away from 0. */
    static Sample.Operand awayFromZero(SplittableRandom r, double min, double max, long... dims) {
        Sample.Operand u = uniform(r, min, max, dims);
        float[] v = u.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? v[i] : -v[i];
        }
        return u;
    }

    /** N(0, 1) values with a few NaNs. */
    static Sample.Operand withNaN(SplittableRandom r, long... dims) {
        return Samples.withSpecial(r, Samples.withSpecial(r, randn(r, dims), Float.NaN), Float.NaN);
    }

    /** N(0, 1) values with +Inf and -Inf (and no NaN). */
    static Sample.Operand withInfinities(SplittableRandom r, long... dims) {
        Sample.Operand o = randn(r, dims);
        float[] v = o.values();
        int[] at = r.ints(0, v.length).distinct().limit(Math.min(4, v.length)).toArray();
        for (int i = 0; i < at.length; i++) {
            v[at[i]] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        return o;
    }

    private static Sample.Operand values(float... v) {
        return new Sample.Operand(Shape.of(v.length), v.clone());
    }

    /** The eltwise parity suite's shapes: rank 1..4, the last dim up to 33, the others up to 6. */
    static long[] parityShape(SplittableRandom r) {
        int rank = 1 + r.nextInt(4);
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + r.nextInt(d == rank - 1 ? 33 : 6);
        }
        return shape;
    }

    /** The parity suite's alphas: RELU 0 (plain) then leaky slopes, ELU 0.1..2, SOFTPLUS 1 then 0.5..3. */
    private static float alpha(SplittableRandom r, EltwiseAlgorithm algorithm, int i) {
        return switch (algorithm) {
            case RELU -> i == 0 ? 0f : (float) r.nextDouble(0.01, 0.5);
            case ELU -> (float) r.nextDouble(0.1, 2);
            case SOFTPLUS -> i == 0 ? 1f : (float) r.nextDouble(0.5, 3);
            default -> 0f;
        };
    }

    private static boolean kinked(EltwiseAlgorithm algorithm) {
        return algorithm == EltwiseAlgorithm.RELU || algorithm == EltwiseAlgorithm.ELU;
    }

    /** Smooth-checkable values for {@code algorithm}: uniform in [-scale, scale], or away from a kink at 0. */
    private static Sample.Operand input(SplittableRandom r, EltwiseAlgorithm algorithm, float scale, long... dims) {
        return kinked(algorithm) ? awayFromZero(r, 0.25, scale, dims) : uniform(r, -scale, scale, dims);
    }

    /** Values at and next to a kink at 0: +-0, the smallest floats, and within a finite-difference step of 0. */
    private static Sample.Operand nearZero(SplittableRandom r) {
        Sample.Operand u = uniform(r, -0.04, 0.04, 3, 8);
        float[] v = u.values();
        v[0] = 0f;
        v[1] = -0f;
        v[2] = Float.MIN_VALUE;
        v[3] = -Float.MIN_VALUE;
        return u;
    }

    private static String describe(EltwiseParams p) {
        return p.algorithm() + (p.alpha() != 0 ? " alpha " + p.alpha() : "");
    }

    // ---- eltwise ----

    /**
     * Per algorithm: the parity suite's four cases (its alphas, shapes and scales 2, 2, 2, 8), rank 0, rank 5, an empty
     * tensor, NaN/+Inf/-Inf, and next to 0 (compared only); STEP forward only, at its edge values too.
     */
    private static List<Sample<EltwiseParams>> forward(SplittableRandom r) {
        List<Sample<EltwiseParams>> samples = new ArrayList<>();
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            if (algorithm.isMath()) {
                continue; // EltwiseMathEntries
            }
            List<Sample<EltwiseParams>> mine = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                EltwiseParams p = new EltwiseParams(algorithm, alpha(r, algorithm, i));
                float scale = i == 3 ? 8f : 2f;
                Sample.Operand x = input(r, algorithm, scale, parityShape(r));
                mine.add(Sample.of(describe(p) + ", " + x + " in +-" + scale, p, x));
            }
            EltwiseParams p = new EltwiseParams(algorithm, alpha(r, algorithm, 1));
            mine.add(Sample.of(describe(p) + ", rank 0", p, input(r, algorithm, 2, new long[0])));
            mine.add(Sample.of(describe(p) + ", rank 5", p, input(r, algorithm, 2, 2, 1, 3, 2, 4)));
            mine.add(Sample.of(describe(p) + ", empty", p, randn(r, 3, 0, 2)));
            mine.add(Sample.of(describe(p) + ", NaN", p, withNaN(r, 4, 6)).comparedOnly());
            mine.add(Sample.of(describe(p) + ", +Inf/-Inf", p, withInfinities(r, 4, 6)).comparedOnly());
            mine.add(Sample.of(describe(p) + ", at and next to 0", p, nearZero(r)).comparedOnly());
            if (algorithm == EltwiseAlgorithm.STEP) {
                for (float atZero : new float[] {1f, 0f, 0.5f}) {
                    mine.add(Sample.of("STEP (heaviside, " + atZero + " at 0) at +-0, +-MIN_VALUE, +-Inf, NaN",
                            new EltwiseParams(EltwiseAlgorithm.STEP, atZero), values(-1f, -0f, 0f, Float.MIN_VALUE,
                                    -Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.5f,
                                    Float.NaN)));
                }
                mine.replaceAll(Sample::forwardOnly);
            }
            if (algorithm == EltwiseAlgorithm.SOFTPLUS) {
                mine.addAll(softplusThresholds(r));
            }
            if (algorithm == EltwiseAlgorithm.RELU) {
                // The other NaN sample draws a leaky slope, whose formula keeps NaN; oneDNN's plain ReLU needs a fix-up.
                mine.add(Sample.of("plain ReLU at NaN, +-Inf, +-0", EltwiseParams.relu(), values(Float.NaN, -1f, 2f,
                        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f, -Float.NaN)).comparedOnly());
            }
            samples.addAll(mine);
        }
        samples.addAll(EltwiseMathEntries.forward(r));
        return samples;
    }

    /**
     * Softplus around its threshold (beta x = threshold exactly is below it: the linear part is strictly above) and in
     * its left tail (down to -104, where exp underflows float32): beta 1 threshold 20, beta 2 threshold 5, beta 0.5
     * threshold 1, all compared only (the threshold is a kink).
     */
    private static List<Sample<EltwiseParams>> softplusThresholds(SplittableRandom r) {
        List<Sample<EltwiseParams>> samples = new ArrayList<>();
        float[][] cases = {{1f, 20f}, {2f, 5f}, {0.5f, 1f}};
        for (float[] c : cases) {
            float beta = c[0], threshold = c[1];
            float at = threshold / beta;
            EltwiseParams p = new EltwiseParams(EltwiseAlgorithm.SOFTPLUS, beta, threshold);
            samples.add(Sample.of("SOFTPLUS beta " + beta + " threshold " + threshold + ": at, below and above it, "
                    + "left tail", p, values(at, Math.nextDown(at), Math.nextUp(at), at + 0.5f, at - 0.5f, -20f, -50f,
                    -87f, -100f, -103f, -104f, -120f, 30f, 0f)).comparedOnly());
            samples.add(Sample.of("SOFTPLUS beta " + beta + " threshold " + threshold + ", in +-" + (2 * at), p,
                    uniform(r, -2 * at, 2 * at, 5, 7)).comparedOnly());
        }
        return samples;
    }

    // ---- eltwise_backward ----

    /**
     * Per differentiable algorithm: the parity suite's four cases with an N(0, 1) gradient, rank 0, empty, NaN/+Inf/-Inf
     * in the input and in the gradient, next to 0; STEP and a gradient of another shape refused.
     */
    private static List<Sample<EltwiseParams>> backward(SplittableRandom r) {
        List<Sample<EltwiseParams>> samples = new ArrayList<>();
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            if (algorithm == EltwiseAlgorithm.STEP || algorithm.isMath()) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                EltwiseParams p = new EltwiseParams(algorithm, alpha(r, algorithm, i));
                float scale = i == 3 ? 8f : 2f;
                long[] shape = parityShape(r);
                samples.add(Sample.of(describe(p) + ", " + Shape.of(shape) + " in +-" + scale, p,
                        uniform(r, -scale, scale, shape), randn(r, shape)));
            }
            EltwiseParams p = new EltwiseParams(algorithm, alpha(r, algorithm, 1));
            samples.add(Sample.of(describe(p) + ", rank 0", p, uniform(r, -2, 2), randn(r)));
            samples.add(Sample.of(describe(p) + ", empty", p, randn(r, 0, 3), randn(r, 0, 3)));
            samples.add(Sample.of(describe(p) + ", NaN in input", p, withNaN(r, 4, 6), randn(r, 4, 6)));
            samples.add(Sample.of(describe(p) + ", +Inf/-Inf in input", p, withInfinities(r, 4, 6), randn(r, 4, 6)));
            samples.add(Sample.of(describe(p) + ", NaN/+Inf/-Inf in gradOutput", p, randn(r, 4, 6),
                    Samples.withSpecials(r, randn(r, 4, 6))));
            samples.add(Sample.of(describe(p) + ", at and next to 0", p, nearZero(r), randn(r, 3, 8)));
        }
        // The loop above draws leaky slopes for ReLU; PyTorch's plain ReLU selects (threshold_backward): 0 where the
        // input is <= 0 whatever the gradient (NaN, +-Inf), the gradient where it is NaN or > 0.
        samples.add(Sample.of("plain ReLU at NaN, +-Inf, +-0 with NaN/+-Inf gradients", EltwiseParams.relu(),
                values(Float.NaN, -1f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f, -Float.NaN,
                        -3f, -0f, 0f, 4f),
                values(1.5f, Float.NaN, -2f, Float.POSITIVE_INFINITY, 3f, Float.NEGATIVE_INFINITY, Float.NaN, -1f,
                        Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, Float.NaN)).comparedOnly());
        samples.add(Sample.of("plain ReLU, [4, 6, 8, 8] with NaN/+Inf/-Inf in input and gradOutput",
                EltwiseParams.relu(), Samples.withSpecials(r, randn(r, 4, 6, 8, 8)),
                Samples.withSpecials(r, randn(r, 4, 6, 8, 8))).comparedOnly());
        for (Sample<EltwiseParams> s : softplusThresholds(r)) {
            samples.add(Sample.of(s.description(), s.params(), s.inputs()[0],
                    randn(r, s.inputs()[0].shape().dims())));
        }
        samples.addAll(EltwiseMathEntries.backward(r));
        EltwiseParams step = EltwiseParams.of(EltwiseAlgorithm.STEP);
        samples.add(Sample.rejected("STEP", "not differentiable", step, values(1f, -1f), values(1f, 1f)));
        samples.add(Sample.rejected("gradOutput [3, 2] for input [2, 3]", "gradOutput shape",
                EltwiseParams.relu(), randn(r, 2, 3), randn(r, 3, 2)));
        return samples;
    }

    // ---- log ----

    /** The log parity suite's inputs: 0 one in ten, negative one in ten, else 10^u with u uniform in [-20, 20). */
    private static Sample.Operand wideRange(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            x[i] = kind == 0 ? 0f : kind == 1 ? -r.nextFloat() : (float) Math.pow(10, r.nextDouble(-20, 20));
        }
        return new Sample.Operand(Shape.of(n), x);
    }

    private static String clamp(float min) {
        return min == Float.NEGATIVE_INFINITY ? "no clamp" : "min " + min;
    }

    /**
     * The parity suite's inputs over 40 decades (n 1, 7, 1000, 4099; clamps none, -100, -5, 0) and its special values
     * (clamps none, -100, 0), compared only; checked samples of rank 0..5 in [0.5, 4), one with the clamp active
     * (min 0 over values away from 1); empty.
     */
    private static List<Sample<LogParams>> log(SplittableRandom r) {
        List<Sample<LogParams>> samples = new ArrayList<>();
        for (float min : new float[] {Float.NEGATIVE_INFINITY, -100f, -5f, 0f}) {
            for (int n : new int[] {1, 7, 1000, 4099}) {
                samples.add(Sample.of("40 decades, zeros and negatives, n " + n + ", " + clamp(min), new LogParams(min),
                        wideRange(r, n)).comparedOnly());
            }
        }
        for (float min : new float[] {Float.NEGATIVE_INFINITY, -100f, 0f}) {
            samples.add(Sample.of("special values, " + clamp(min), new LogParams(min), values(SPECIAL)).comparedOnly());
        }
        for (int rank = 0; rank <= 5; rank++) {
            LogParams p = new LogParams(rank % 2 == 0 ? Float.NEGATIVE_INFINITY : -100f);
            long[] shape = Samples.shape(r, rank, 6, 300);
            samples.add(Sample.of("rank " + rank + " in [0.5, 4), " + clamp(p.min()), p, uniform(r, 0.5, 4, shape)));
        }
        samples.add(Sample.of("clamped at 0 below 1 (values 0.2..0.8 and 1.5..4)", new LogParams(0f),
                clampedOnBothSides(r, 5, 7)));
        samples.add(Sample.of("empty", new LogParams(-100f), randn(r, 2, 0, 3)));
        return samples;
    }

    /** Values in [0.2, 0.8) or [1.5, 4): log below and above 0, none within a finite-difference step of 1. */
    private static Sample.Operand clampedOnBothSides(SplittableRandom r, long... dims) {
        Sample.Operand u = uniform(r, 0, 1, dims);
        float[] v = u.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? (float) (0.2 + 0.6 * v[i]) : (float) (1.5 + 2.5 * v[i]);
        }
        return u;
    }

    /**
     * The parity suite's backward cases (40 decades with N(0, 1) gradients, three seeds, min -100; the special values
     * with gradient 2), other clamps, checked-range values, NaN/+Inf/-Inf in the gradient, empty; a gradient of
     * another shape refused.
     */
    private static List<Sample<LogParams>> logBackward(SplittableRandom r) {
        List<Sample<LogParams>> samples = new ArrayList<>();
        LogParams p100 = new LogParams(-100f);
        for (int i = 0; i < 3; i++) {
            samples.add(Sample.of("40 decades, n 1000, min -100, #" + i, p100, wideRange(r, 1000), randn(r, 1000)));
        }
        float[] two = new float[SPECIAL.length];
        java.util.Arrays.fill(two, 2f);
        for (float min : new float[] {Float.NEGATIVE_INFINITY, -100f, 0f}) {
            samples.add(Sample.of("special values, gradient 2, " + clamp(min), new LogParams(min), values(SPECIAL),
                    values(two)));
        }
        samples.add(Sample.of("40 decades, n 4099, min -5", new LogParams(-5f), wideRange(r, 4099), randn(r, 4099)));
        samples.add(Sample.of("rank 3 in [0.5, 4), no clamp", new LogParams(Float.NEGATIVE_INFINITY),
                uniform(r, 0.5, 4, 3, 4, 5), randn(r, 3, 4, 5)));
        samples.add(Sample.of("rank 0, min 0", new LogParams(0f), uniform(r, 0.5, 4), randn(r)));
        samples.add(Sample.of("NaN/+Inf/-Inf in gradOutput", p100, uniform(r, 0.5, 4, 4, 6),
                Samples.withSpecials(r, randn(r, 4, 6))));
        samples.add(Sample.of("empty", p100, randn(r, 0), randn(r, 0)));
        samples.add(Sample.rejected("gradOutput [3] for input [2]", "gradOutput shape", p100, randn(r, 2), randn(r, 3)));
        return samples;
    }
}
