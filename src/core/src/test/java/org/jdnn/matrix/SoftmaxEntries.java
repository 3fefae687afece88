package org.jdnn.matrix;

import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.testing.RandomShapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.EltwiseEntries.uniform;
import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of softmax and log-softmax (one op, {@link SoftmaxParams#log()}), forward and backward, over
 * several axes (negative ones included). Bounds as the parity suite: forward {@code 1e-5 |ref| + 1e-6} for softmax
 * (values in [0, 1]) and {@code 1e-5 |ref| + 1e-5} for log-softmax (declared as K = 100 with 1e-6 per sqrt(K));
 * gradients and softmax_backward {@code 1e-5 |ref| + 1e-5 sqrt(n)}, n the axis length (a float dot product over the
 * axis).
 */
final class SoftmaxEntries {
    private static final int PARITY_CASES = 32;

    private SoftmaxEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(SoftmaxOps.FORWARD).tolerance(1e-5, 1e-6).gradientTolerance(1e-5, 1e-5).differentiable()
                        .finiteDifferences(0.01, 1e-3)
                        .samples(SoftmaxEntries::forward)
                        .reductions((p, in) -> new long[] {p.log() ? 100 : 1}, (p, in) -> new long[] {axis(p, in[0])})
                        // oneDNN's log-softmax forward is a loop (its primitive is not accurate to float rounding).
                        .primitiveOptional((p, in) -> in[0].numel() == 0 || p.log()).build(),
                OpInfo.of(SoftmaxOps.BACKWARD).tolerance(1e-5, 1e-5)
                        .samples(SoftmaxEntries::backward)
                        .reductions((p, in) -> new long[] {axis(p, in[0])}, null)
                        .primitiveOptional((p, in) -> in[0].numel() == 0).build());
    }

    private static long axis(SoftmaxParams p, Shape x) {
        return SoftmaxShapes.infer(p.opName(), p, x).axisSize();
    }

    /** The parity suite's case: rank 1..4, sizes up to 17, at most 4000 elements, any axis; log on odd i. */
    private record Case(long[] shape, SoftmaxParams params, float scale) {
        static Case draw(SplittableRandom r, int i) {
            int rank = 1 + r.nextInt(4);
            long[] shape = RandomShapes.shape(r, rank, 4000);
            return new Case(shape, new SoftmaxParams(r.nextInt(-rank, rank), i % 2 == 1), i % 4 < 2 ? 3f : 20f);
        }

        @Override
        public String toString() {
            return params.opName() + " " + Shape.of(shape) + " axis " + params.axis() + " in +-" + scale;
        }
    }

    private static String name(SoftmaxParams p, Sample.Operand x) {
        return p.opName() + " " + x + " axis " + p.axis();
    }

    private static Sample.Operand values(long[] dims, float... v) {
        return new Sample.Operand(Shape.of(dims), v.clone());
    }

    /**
     * The parity suite's 32 cases (those in +-20, saturated, compared only, as the parity suite took finite
     * differences in +-2 only); rank 5, an axis of length 1, empty along and across the axis, values of 1000 (no
     * overflow), NaN, +Inf and -Inf in a row, a row of -Inf only (compared only); rank 0 and axes out of range
     * refused. Softmax and log-softmax alike.
     */
    private static List<Sample<SoftmaxParams>> forward(SplittableRandom r) {
        List<Sample<SoftmaxParams>> samples = new ArrayList<>();
        for (int i = 0; i < PARITY_CASES; i++) {
            Case c = Case.draw(r, i);
            Sample<SoftmaxParams> s = Sample.of(c.toString(), c.params(), uniform(r, -c.scale(), c.scale(), c.shape()));
            // In +-20 the softmax saturates: its outputs' float rounding swamps a difference quotient's signal.
            samples.add(c.scale() > 3 ? s.comparedOnly() : s);
        }
        for (boolean log : new boolean[] {false, true}) {
            SoftmaxParams last = new SoftmaxParams(-1, log);
            Sample.Operand x = uniform(r, -3, 3, 2, 3, 1, 2, 4);
            samples.add(Sample.of(name(new SoftmaxParams(2, log), x) + ", rank 5", new SoftmaxParams(2, log), x));
            x = uniform(r, -3, 3, 4, 1, 3);
            samples.add(Sample.of(name(new SoftmaxParams(1, log), x) + ", axis of length 1", new SoftmaxParams(1, log), x));
            x = randn(r, 3, 0, 2);
            samples.add(Sample.of(name(new SoftmaxParams(1, log), x) + ", empty axis", new SoftmaxParams(1, log), x));
            x = randn(r, 0, 5);
            samples.add(Sample.of(name(last, x) + ", empty across the axis", last, x));
            x = values(new long[] {2, 2}, 1000f, 1000f, -1000f, 1000f);
            // Outputs near -2000 are floats 1.2e-4 apart: no finite difference resolves them.
            samples.add(Sample.of(name(last, x) + ", +-1000: no overflow", last, x).comparedOnly());
            long[] rows = {3, 5};
            samples.add(Sample.of(last.opName() + " NaN in a row", last, withAt(r, rows, Float.NaN)).comparedOnly());
            samples.add(Sample.of(last.opName() + " +Inf in a row", last, withAt(r, rows, Float.POSITIVE_INFINITY))
                    .comparedOnly());
            samples.add(Sample.of(last.opName() + " -Inf in a row", last, withAt(r, rows, Float.NEGATIVE_INFINITY))
                    .comparedOnly());
            samples.add(Sample.of(last.opName() + " a row of -Inf only", last, values(new long[] {2, 3},
                    Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, -1f, 2f))
                    .comparedOnly());
        }
        samples.add(Sample.rejected("rank 0", "rank >= 1", SoftmaxParams.softmax(0), randn(r)));
        samples.add(Sample.rejected("axis 2 of [2, 3]", "axis 2 is out of range", SoftmaxParams.softmax(2),
                randn(r, 2, 3)));
        samples.add(Sample.rejected("axis -3 of [2, 3]", "axis -3 is out of range", SoftmaxParams.logSoftmax(-3),
                randn(r, 2, 3)));
        return samples;
    }

    /** Uniform values in [-3, 3) with {@code special} at one position of the first row. */
    private static Sample.Operand withAt(SplittableRandom r, long[] dims, float special) {
        Sample.Operand x = uniform(r, -3, 3, dims);
        x.values()[r.nextInt((int) dims[dims.length - 1])] = special;
        return x;
    }

    // ---- softmax_backward ----

    /** The forward's output (softmax or log-softmax of x), computed here in double. */
    private static Sample.Operand output(SoftmaxParams p, Sample.Operand x) {
        SoftmaxShapes s = SoftmaxShapes.infer(p.opName(), p, x.shape());
        float[] in = x.values(), out = new float[in.length];
        long n = s.axisSize(), inner = s.inner();
        for (long o = 0; o < s.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                int base = (int) (o * n * inner + i);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, in[base + j * (int) inner]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += Math.exp(in[base + j * (int) inner] - max);
                }
                for (int j = 0; j < n; j++) {
                    double shifted = in[base + j * (int) inner] - max;
                    out[base + j * (int) inner] = (float) (p.log() ? shifted - Math.log(sum) : Math.exp(shifted) / sum);
                }
            }
        }
        return new Sample.Operand(x.shape(), out);
    }

    /**
     * The parity suite's 32 cases (the output of the forward at uniform inputs, an N(0, 1) gradient); rank 5, an
     * axis of length 1, empty, NaN/+Inf/-Inf in the gradient; a gradient of another shape and an axis out of range
     * refused.
     */
    private static List<Sample<SoftmaxParams>> backward(SplittableRandom r) {
        List<Sample<SoftmaxParams>> samples = new ArrayList<>();
        for (int i = 0; i < PARITY_CASES; i++) {
            Case c = Case.draw(r, i);
            Sample.Operand y = output(c.params(), uniform(r, -c.scale(), c.scale(), c.shape()));
            samples.add(Sample.of(c.toString(), c.params(), y, randn(r, c.shape())));
        }
        for (boolean log : new boolean[] {false, true}) {
            SoftmaxParams p = new SoftmaxParams(-2, log);
            Sample.Operand y = output(p, uniform(r, -3, 3, 2, 3, 1, 2, 4));
            samples.add(Sample.of(name(p, y) + ", rank 5", p, y, randn(r, 2, 3, 1, 2, 4)));
            SoftmaxParams first = new SoftmaxParams(0, log);
            y = output(first, uniform(r, -3, 3, 1, 6));
            samples.add(Sample.of(name(first, y) + ", axis of length 1", first, y, randn(r, 1, 6)));
            samples.add(Sample.of(name(first, randn(r, 0, 4)) + ", empty", first, randn(r, 0, 4), randn(r, 0, 4)));
            y = output(p, uniform(r, -3, 3, 4, 5));
            samples.add(Sample.of(name(p, y) + ", NaN/+Inf/-Inf in gradOutput", p, y,
                    Samples.withSpecials(r, randn(r, 4, 5))));
        }
        samples.add(Sample.rejected("gradOutput [3, 2] for out [2, 3]", "gradOutput shape", SoftmaxParams.softmax(1),
                randn(r, 2, 3), randn(r, 3, 2)));
        samples.add(Sample.rejected("axis 2 of [2, 3]", "axis 2 is out of range", SoftmaxParams.logSoftmax(2),
                randn(r, 2, 3), randn(r, 2, 3)));
        return samples;
    }
}
