package org.jdnn.matrix;

import org.jdnn.ops.Op;
import org.jdnn.tensor.Shape;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One op's entry in the test matrix ({@link OpMatrixTest}): the op, how to draw its sample inputs, how close a
 * backend must come to the reference, and how its derivative is checked. Built with {@link #of(Op)}:
 * <pre>{@code
 * OpInfo.of(Conv2dOps.FORWARD).samples(r -> ...).tolerance(1e-4, 1e-5)
 *         .reductions((p, in) -> new long[] {k}, (p, in) -> new long[] {kx, kw, kb})
 *         .differentiable().affine().build()
 * }</pre>
 *
 * @param samples            draws the samples from a seeded random (the same seed gives the same samples)
 * @param rtol               relative bound, per element: {@code |err| <= rtol |ref| + atolPerSqrtK sqrt(K)}
 * @param atolPerSqrtK       absolute bound per square root of the reduction length K of that element
 * @param outputReductions   K per output (the number of terms summed into each of its elements; 1 if none)
 * @param gradientReductions K per input gradient (differentiable ops)
 * @param differentiable     whether the op declares a derivative (the matrix checks the declaration agrees)
 * @param affine             whether the op is affine in each input separately (conv, sums): the dot-product test then
 *                           takes J t as an exact difference with step 1 and a tight bound
 * @param fdStep             the finite-difference step (on the reference)
 * @param fdTolerance        finite differences: {@code |fd - g| <= fdTolerance (1 + |g|)}
 * @param primitiveOptional  samples a native backend may compute without running a primitive (a plain copy, an
 *                           empty output): everywhere else, a native backend that ran none fails the case
 * @param gradientRtol       the relative bound for input gradients (the forward's unless the entry says otherwise)
 * @param gradientAtolPerSqrtK the absolute bound per sqrt(K) for input gradients
 * @param knownDifferences   where a backend is known to differ from the reference (a NaN it propagates otherwise):
 *                           such a case still runs and is compared, and where it differs it is reported (in the
 *                           summary and as an aborted test with the reason and the difference), not failed
 * @param messageName        the name the op's refusals give it for these params besides its own and its family's
 *                           (binary's are named by the algorithm: "add: shapes [2, 3] and [4] do not broadcast")
 */
public record OpInfo<P>(Op<P> op, Generator<P> samples, double rtol, double atolPerSqrtK,
                        Reductions<P> outputReductions, Reductions<P> gradientReductions, boolean differentiable,
                        boolean affine, double fdStep, double fdTolerance, Condition<P> primitiveOptional,
                        double gradientRtol, double gradientAtolPerSqrtK,
                        List<KnownDifference<P>> knownDifferences,
                        java.util.function.Function<P, String> messageName) {

    /** A backend known to differ from the reference at the samples {@code where} selects, and why. */
    public record KnownDifference<P>(String backend, String reason, java.util.function.Predicate<Sample<P>> where) {
    }

    /** The known difference of {@code backend} at {@code sample}, or null. */
    KnownDifference<P> knownDifference(String backend, Sample<P> sample) {
        for (KnownDifference<P> d : knownDifferences) {
            if (d.backend().equals(backend) && d.where().test(sample)) {
                return d;
            }
        }
        return null;
    }

    /** Draws an op's samples. */
    @FunctionalInterface
    public interface Generator<P> {
        List<Sample<P>> draw(SplittableRandom random);
    }

    /** Reduction lengths (one per output, or one per input gradient) of a sample. */
    @FunctionalInterface
    public interface Reductions<P> {
        long[] of(P params, Shape[] inputs);
    }

    /** A property of a sample. */
    @FunctionalInterface
    public interface Condition<P> {
        boolean test(P params, Shape[] inputs);
    }

    /** Starts the entry of {@code op}. */
    public static <P> Builder<P> of(Op<P> op) {
        return new Builder<>(op);
    }

    /** K of output {@code i} for this sample (1 when the op reduces nothing there). */
    long outputReduction(Sample<P> sample, int i) {
        return at(outputReductions.of(sample.params(), sample.shapes()), i);
    }

    long gradientReduction(Sample<P> sample, int i) {
        return at(gradientReductions.of(sample.params(), sample.shapes()), i);
    }

    private static long at(long[] values, int i) {
        return values == null || i >= values.length ? 1 : Math.max(1, values[i]);
    }

    @Override
    public String toString() {
        return op.name();
    }

    /** Builds an {@link OpInfo}; defaults: rtol 1e-5, atol 1e-6 per sqrt(K), K = 1, not differentiable. */
    public static final class Builder<P> {
        private final Op<P> op;
        private Generator<P> samples = r -> List.of();
        private double rtol = 1e-5;
        private double atolPerSqrtK = 1e-6;
        private Reductions<P> outputs = (p, in) -> null;
        private Reductions<P> gradients = (p, in) -> null;
        private boolean differentiable;
        private boolean affine;
        private double fdStep = 0.05;
        private double fdTolerance = 1e-3;
        private Condition<P> primitiveOptional = (p, in) -> false;
        private double gradientRtol = Double.NaN;
        private double gradientAtolPerSqrtK = Double.NaN;
        private final List<KnownDifference<P>> knownDifferences = new java.util.ArrayList<>();
        private java.util.function.Function<P, String> messageName = p -> null;

        private Builder(Op<P> op) {
            this.op = op;
        }

        public Builder<P> samples(Generator<P> value) {
            this.samples = value;
            return this;
        }

        public Builder<P> tolerance(double rtol, double atolPerSqrtK) {
            this.rtol = rtol;
            this.atolPerSqrtK = atolPerSqrtK;
            return this;
        }

        /**
         * The bound for input gradients, where the derivative is less accurate than the forward (an activation's
         * derivative in its tails); by default the forward's ({@link #tolerance}).
         */
        public Builder<P> gradientTolerance(double rtol, double atolPerSqrtK) {
            this.gradientRtol = rtol;
            this.gradientAtolPerSqrtK = atolPerSqrtK;
            return this;
        }

        /** Reduction lengths: per output, and per input gradient (null for a non-differentiable op). */
        public Builder<P> reductions(Reductions<P> perOutput, Reductions<P> perGradient) {
            this.outputs = perOutput;
            this.gradients = perGradient == null ? (p, in) -> null : perGradient;
            return this;
        }

        /** The op has a derivative: checked against the reference and, there, against finite differences. */
        public Builder<P> differentiable() {
            this.differentiable = true;
            return this;
        }

        /** The op is affine in each input separately. */
        public Builder<P> affine() {
            this.affine = true;
            return this;
        }

        public Builder<P> finiteDifferences(double step, double tolerance) {
            this.fdStep = step;
            this.fdTolerance = tolerance;
            return this;
        }

        /**
         * {@code backend} is known to differ from the reference at the samples {@code where} selects (keep it narrow: a
         * NaN input of one algorithm, not every sample with specials): reported with {@code reason}, not failed.
         */
        public Builder<P> knownDifference(String backend, String reason, java.util.function.Predicate<Sample<P>> where) {
            knownDifferences.add(new KnownDifference<>(backend, reason, where));
            return this;
        }

        /** The name a refusal may give the op for its params, besides the op's and its family's. */
        public Builder<P> messageName(java.util.function.Function<P, String> value) {
            this.messageName = value;
            return this;
        }

        public Builder<P> primitiveOptional(Condition<P> value) {
            this.primitiveOptional = value;
            return this;
        }

        public OpInfo<P> build() {
            return new OpInfo<>(op, samples, rtol, atolPerSqrtK, outputs, gradients, differentiable, affine, fdStep,
                    fdTolerance, primitiveOptional, Double.isNaN(gradientRtol) ? rtol : gradientRtol,
                    Double.isNaN(gradientAtolPerSqrtK) ? atolPerSqrtK : gradientAtolPerSqrtK, List.copyOf(knownDifferences),
                    messageName);
        }
    }
}
