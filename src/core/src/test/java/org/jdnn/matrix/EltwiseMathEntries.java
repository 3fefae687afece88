package org.jdnn.matrix;

import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.PowOps;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.EltwiseEntries.awayFromZero;
import static org.jdnn.matrix.EltwiseEntries.uniform;
import static org.jdnn.matrix.Samples.randn;

/**
 * The element-wise math functions' samples (EXP and after in {@link EltwiseAlgorithm}) for the eltwise and
 * eltwise_backward entries ({@link EltwiseEntries}), and the entries of pow with broadcasting ({@link PowOps}).
 *
 * <p>Checked samples stay where the function is smooth within a finite-difference step (0.01) and its third derivative
 * is moderate: log, sqrt, rsqrt and fractional powers over [0.5, 4), clamp and hardtanh values at least 0.1 from their
 * bounds. The kinks themselves (the bounds, 0 for sqrt/log/pow) and the special values are compared only, on every
 * backend, against the reference's PyTorch formulas.
 */
final class EltwiseMathEntries {
    private EltwiseMathEntries() {
    }

    /** Special values every math function is compared at (its kinks are added per function). */
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-8f, -1e-8f, 1e-30f, 88f, 89f, -87f, -104f,
            -100f, 100f, Float.MAX_VALUE, -Float.MAX_VALUE};

    /** The params each math function is sampled with. */
    static List<EltwiseParams> params(EltwiseAlgorithm algorithm) {
        return switch (algorithm) {
            case HARDTANH -> List.of(EltwiseParams.of(algorithm), new EltwiseParams(algorithm, -0.5f, 2f),
                    new EltwiseParams(algorithm, 0f, 0f));
            case CLAMP -> List.of(new EltwiseParams(algorithm, -1f, 1f), new EltwiseParams(algorithm, -0.5f,
                            Float.POSITIVE_INFINITY), new EltwiseParams(algorithm, Float.NEGATIVE_INFINITY, 0.75f),
                    new EltwiseParams(algorithm, 1f, -1f));
            case POW -> List.of(new EltwiseParams(algorithm, 2f), new EltwiseParams(algorithm, 3f),
                    new EltwiseParams(algorithm, 0.5f), new EltwiseParams(algorithm, -1f),
                    new EltwiseParams(algorithm, 0f), new EltwiseParams(algorithm, 1f),
                    new EltwiseParams(algorithm, 2.5f), new EltwiseParams(algorithm, -0.5f));
            default -> List.of(EltwiseParams.of(algorithm));
        };
    }

    /** Values where {@code p}'s function is smooth and checkable by finite differences. */
    static Sample.Operand smooth(SplittableRandom r, EltwiseParams p, long... dims) {
        return switch (p.algorithm()) {
            case EXP, EXPM1 -> uniform(r, -3, 3, dims);
            case LOG, SQRT, RSQRT -> uniform(r, 0.5, 4, dims);
            case LOG1P -> uniform(r, -0.5, 3, dims);
            case SIN, COS, SILU, LOG_SIGMOID -> uniform(r, -6, 6, dims);
            case HARDTANH, CLAMP -> awayFrom(r, p.alpha(), p.beta(), dims);
            case POW -> p.alpha() == Math.rint(p.alpha()) ? awayFromZero(r, 0.5, 3, dims) : uniform(r, 0.5, 3, dims);
            default -> throw new IllegalArgumentException("not a math function: " + p);
        };
    }

    /** Values in [-3, 3) at least 0.1 from either bound. */
    private static Sample.Operand awayFrom(SplittableRandom r, float min, float max, long... dims) {
        Sample.Operand u = uniform(r, -3, 3, dims);
        float[] v = u.values();
        for (int i = 0; i < v.length; i++) {
            while (Math.abs(v[i] - min) < 0.1 || Math.abs(v[i] - max) < 0.1) {
                v[i] = (float) r.nextDouble(-3, 3);
            }
        }
        return u;
    }

    /** The function's kinks and domain edges, plus {@link #SPECIAL}. */
    static Sample.Operand edges(EltwiseParams p) {
        float[] kinks = switch (p.algorithm()) {
            case HARDTANH, CLAMP -> new float[] {p.alpha(), p.beta(), Math.nextUp(p.alpha()), Math.nextDown(p.beta()),
                    Math.nextDown(p.alpha()), Math.nextUp(p.beta())};
            case LOG1P -> new float[] {-1f, Math.nextUp(-1f), -2f, 1e-7f, -1e-7f};
            case EXPM1 -> new float[] {1e-7f, -1e-7f, 1e-20f};
            case POW -> new float[] {2f, -2f, 0.5f, -0.5f};
            default -> new float[0];
        };
        float[] all = new float[SPECIAL.length + kinks.length];
        System.arraycopy(SPECIAL, 0, all, 0, SPECIAL.length);
        System.arraycopy(kinks, 0, all, SPECIAL.length, kinks.length);
        return new Sample.Operand(Shape.of(all.length), all);
    }

    private static String describe(EltwiseParams p) {
        return switch (p.algorithm()) {
            case HARDTANH, CLAMP -> p.algorithm() + " [" + p.alpha() + ", " + p.beta() + "]";
            case POW -> "POW " + p.alpha();
            default -> p.algorithm().toString();
        };
    }

    /**
     * Per math function and params: three random shapes (the parity suite's), rank 0, rank 5, empty, checked; N(0, 1)
     * values with NaN/+Inf/-Inf and the function's kinks and special values, compared only.
     */
    static List<Sample<EltwiseParams>> forward(SplittableRandom r) {
        List<Sample<EltwiseParams>> samples = new ArrayList<>();
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            if (!algorithm.isMath()) {
                continue;
            }
            for (EltwiseParams p : params(algorithm)) {
                String name = describe(p);
                for (int i = 0; i < 3; i++) {
                    long[] shape = EltwiseEntries.parityShape(r);
                    samples.add(Sample.of(name + ", " + Shape.of(shape), p, smooth(r, p, shape)));
                }
                samples.add(Sample.of(name + ", rank 0", p, smooth(r, p)));
                samples.add(Sample.of(name + ", rank 5", p, smooth(r, p, 2, 1, 3, 2, 4)));
                samples.add(Sample.of(name + ", empty", p, randn(r, 3, 0, 2)));
                samples.add(Sample.of(name + ", NaN/+Inf/-Inf", p, Samples.withSpecials(r, randn(r, 4, 6)))
                        .comparedOnly());
                samples.add(Sample.of(name + ", kinks and special values", p, edges(p)).comparedOnly());
            }
        }
        return samples;
    }

    /**
     * Per math function and params: random values with an N(0, 1) gradient, rank 0, empty, the kinks and special values
     * with gradient 2 and with NaN/+Inf/-Inf gradients (a masked gradient is 0 there even against NaN, as PyTorch's).
     */
    static List<Sample<EltwiseParams>> backward(SplittableRandom r) {
        List<Sample<EltwiseParams>> samples = new ArrayList<>();
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            if (!algorithm.isMath()) {
                continue;
            }
            for (EltwiseParams p : params(algorithm)) {
                String name = describe(p);
                long[] shape = EltwiseEntries.parityShape(r);
                samples.add(Sample.of(name + ", " + Shape.of(shape), p, smooth(r, p, shape), randn(r, shape)));
                samples.add(Sample.of(name + ", rank 0", p, smooth(r, p), randn(r)));
                samples.add(Sample.of(name + ", empty", p, randn(r, 0, 3), randn(r, 0, 3)));
                Sample.Operand edges = edges(p);
                int n = edges.values().length;
                samples.add(Sample.of(name + ", kinks and special values, gradient 2", p, edges,
                        SampleValues.filled(2f, n)));
                samples.add(Sample.of(name + ", kinks and special values, NaN/+Inf/-Inf gradients", p, edges,
                        Samples.withSpecials(r, randn(r, n))));
            }
        }
        return samples;
    }

    // ---- pow with broadcasting ----

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(PowOps.POW).tolerance(1e-5, 1e-6).differentiable().finiteDifferences(0.01, 1e-3)
                        .samples(EltwiseMathEntries::pow)
                        // oneDNN's pow kernel is a Java loop (OneDnnPow): never a primitive.
                        .primitiveOptional((p, in) -> true).build(),
                OpInfo.of(PowOps.POW_BACKWARD).tolerance(1e-5, 1e-6)
                        .samples(EltwiseMathEntries::powBackward)
                        .primitiveOptional((p, in) -> true).build());
    }

    /** Positive bases in [0.5, 3), exponents in [-2, 3): smooth in both. */
    private static Sample.Operand[] smoothPair(SplittableRandom r, long[] a, long[] b) {
        return new Sample.Operand[] {uniform(r, 0.5, 3, a), uniform(r, -2, 3, b)};
    }

    /**
     * Broadcast patterns of rank 0..5 (checked), an empty result, a scalar base (rank-0 a) and a scalar exponent;
     * compared only: every pair of the special values (0, -0, 1, -1, NaN, +-Inf, 0.5, 2, -2, 2.5) both ways,
     * negative bases with integer and fractional exponents; shapes that do not broadcast refused.
     */
    private static List<Sample<NoParams>> pow(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        NoParams p = NoParams.INSTANCE;
        for (int rank = 0; rank <= 5; rank++) {
            long[] full = Samples.shape(r, rank, 5, 200);
            long[] b = Samples.broadcastTarget(r, full);
            samples.add(Sample.of("a " + Samples.dims(full) + " ^ b " + Samples.dims(b), p, smoothPair(r, full, b)));
            samples.add(Sample.of("a " + Samples.dims(b) + " ^ b " + Samples.dims(full), p, smoothPair(r, b, full)));
        }
        samples.add(Sample.of("scalar base 2.5 ^ [3, 4]", p, SampleValues.of(new float[] {2.5f}),
                uniform(r, -2, 3, 3, 4)));
        samples.add(Sample.of("[3, 4] ^ scalar 1.5", p, uniform(r, 0.5, 3, 3, 4), SampleValues.of(new float[] {1.5f})));
        samples.add(Sample.of("empty [2, 0] ^ [1]", p, randn(r, 2, 0), randn(r, 1)));
        samples.add(Sample.of("special values, every pair", p, specialPairs(0), specialPairs(1)).comparedOnly());
        samples.add(Sample.of("negative bases ^ integer and fractional exponents", p, uniform(r, -3, -0.5, 4, 1),
                SampleValues.of(new float[] {2f, 3f, 0.5f, -1f, -1.5f}, 5)).comparedOnly());
        samples.add(Sample.rejected("[2, 3] ^ [4]", "do not broadcast", p, randn(r, 2, 3), randn(r, 4)));
        return samples;
    }

    private static final float[] POW_SPECIAL = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 0.5f, 2f, -2f, 2.5f};

    /** Operand {@code which} (0: base, 1: exponent) of every ordered pair of POW_SPECIAL, as a [n*n] vector. */
    private static Sample.Operand specialPairs(int which) {
        int n = POW_SPECIAL.length;
        float[] v = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v[i * n + j] = which == 0 ? POW_SPECIAL[i] : POW_SPECIAL[j];
            }
        }
        return new Sample.Operand(Shape.of(n * n), v);
    }

    /** Both operands' gradients over broadcast patterns, the special pairs (gradient 2 and NaN/Inf), empty; refused shapes. */
    private static List<Sample<PowOps.GradParams>> powBackward(SplittableRandom r) {
        List<Sample<PowOps.GradParams>> samples = new ArrayList<>();
        for (int operand = 0; operand < 2; operand++) {
            PowOps.GradParams p = new PowOps.GradParams(operand);
            String name = operand == 0 ? "d/da" : "d/db";
            for (int rank = 0; rank <= 3; rank++) {
                long[] full = Samples.shape(r, rank, 5, 200);
                long[] b = Samples.broadcastTarget(r, full);
                Sample.Operand[] ab = smoothPair(r, full, b);
                samples.add(Sample.of(name + ", a " + Samples.dims(full) + " b " + Samples.dims(b), p, ab[0], ab[1],
                        randn(r, full)));
            }
            int n = POW_SPECIAL.length * POW_SPECIAL.length;
            samples.add(Sample.of(name + ", special pairs, gradient 2", p, specialPairs(0), specialPairs(1),
                    SampleValues.filled(2f, n)));
            samples.add(Sample.of(name + ", special pairs, NaN/+Inf/-Inf gradients", p, specialPairs(0),
                    specialPairs(1), Samples.withSpecials(r, randn(r, n))));
            samples.add(Sample.of(name + ", empty", p, randn(r, 0, 2), randn(r, 2), randn(r, 0, 2)));
            samples.add(Sample.rejected(name + ", gradOutput [3] for [2]", "gradOutput shape", p, randn(r, 2),
                    randn(r, 1), randn(r, 3)));
        }
        return samples;
    }
}
