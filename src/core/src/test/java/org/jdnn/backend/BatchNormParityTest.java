package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.BatchNormGradients;
import org.jdnn.functional.BatchNormResult;
import org.jdnn.functional.Functional;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the op matrix ({@code org.jdnn.matrix.BatchNormEntries}) does not check: PyTorch's numbers and the
 * running-statistics formula on every backend, the reference against a double-precision copy of the textbook formula
 * (and its finite differences there), the functional calls, the kill switch and the messages of refused arguments.
 * The comparison of every backend with the reference (inference, training with and without running statistics, the
 * backward in both modes, the updated running statistics) is the matrix's.
 */
class BatchNormParityTest {

    record Case(long[] shape, boolean scale, boolean shift, boolean parameterGradients, float epsilon, float offset,
                float std, long seed) {
        long channels() {
            return shape[1];
        }

        long count() {
            return Shape.of(shape).numel() / shape[1];
        }

        @Override
        public String toString() {
            return "input " + Arrays.toString(shape) + " scale " + scale + " shift " + shift + " paramGrads "
                    + parameterGradients + " eps " + epsilon + " offset " + offset + " std " + std + " seed " + seed;
        }
    }

    /** The input, parameters and running statistics of a case. */
    record Inputs(Tensor x, Tensor scale, Tensor shift, Tensor runningMean, Tensor runningVariance, Tensor dy) {
        static Inputs of(Case c) {
            SplittableRandom random = new SplittableRandom(c.seed());
            Tensor x = Tensor.randn(random, c.shape());
            float[] values = x.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] = c.offset() + c.std() * values[i];
            }
            x.close();
            long ch = c.channels();
            return new Inputs(Tensor.of(values, c.shape()),
                    c.scale() ? Tensor.uniform(random, 0.5f, 2f, ch) : null,
                    c.shift() ? Tensor.randn(random, ch) : null,
                    Tensor.randn(random, ch),
                    Tensor.uniform(random, 0.5f, 2f, ch),
                    Tensor.randn(random, c.shape()));
        }
    }

    /** PyTorch's numbers for x = [[1, 2], [3, 4], [5, 6]], running stats 0 and 1, momentum 0.1, eps 1e-5. */
    @Test
    void runningStatisticsFollowPyTorch() {
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("batchnorm"))) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
                Tensor runningMean = Tensor.zeros(2), runningVar = Tensor.ones(2);
                BatchNormResult r = Backends.with(backend, () -> Functional.batchNormTraining(x, null, null,
                        runningMean, runningVar, BatchNormParams.DEFAULT));
                String context = backend.name();
                // batch mean [3, 4]; biased variance 8/3 normalises, unbiased 4 goes into the running variance
                Parity.assertClose(new float[] {3, 4}, r.mean().toFloatArray(), 1e-6, 1e-6, context + " mean");
                Parity.assertClose(new float[] {8f / 3, 8f / 3}, r.variance().toFloatArray(), 1e-6, 1e-6, context + " variance");
                Parity.assertClose(new float[] {0.3f, 0.4f}, runningMean.toFloatArray(), 1e-6, 1e-7, context + " running mean");
                Parity.assertClose(new float[] {1.3f, 1.3f}, runningVar.toFloatArray(), 1e-6, 1e-7, context + " running variance");
                float z = (float) (2 / Math.sqrt(8.0 / 3 + 1e-5));
                Parity.assertClose(new float[] {-z, -z, 0, 0, z, z}, r.output().toFloatArray(), 1e-5, 1e-6, context + " output");
                // inference uses the running statistics
                Tensor y = Backends.with(backend, () -> F.batchNorm(x, runningMean, runningVar, null, null,
                        false, BatchNormParams.DEFAULT));
                assertEquals((float) ((1 - 0.3) / Math.sqrt(1.3 + 1e-5)), y.get(0, 0), 1e-6f, context + " inference");
            }
        }
    }

    /**
     * The running-statistics update is a kernel of each backend, run natively on oneDNN (no fallback taken), and both
     * equal the formula within float32 rounding (1e-6 relative + 1e-6 absolute) for sizes past a vector's width.
     */
    @Test
    void runningStatisticsUpdateIsAKernelOfEachBackend() {
        SplittableRandom random = new SplittableRandom(41);
        for (long channels : new long[] {1, 7, 16, 33, 1000}) {
            long count = 2 + random.nextInt(500);
            float momentum = (float) random.nextDouble();
            BatchNormParams p = new BatchNormParams(1e-5f, momentum);
            String context = channels + " channels, count " + count + ", momentum " + momentum;
            try (Scope scope = Scope.open()) {
                Tensor mean = Tensor.randn(random, channels), var = Tensor.uniform(random, 0.5f, 2f, channels);
                Tensor rm = Tensor.randn(random, channels), rv = Tensor.uniform(random, 0.5f, 2f, channels);
                float[] m = mean.toFloatArray(), v = var.toFloatArray(), rm0 = rm.toFloatArray(), rv0 = rv.toFloatArray();
                float[] expectedRm = new float[m.length], expectedRv = new float[m.length];
                for (int c = 0; c < m.length; c++) {
                    expectedRm[c] = (float) ((1 - (double) momentum) * rm0[c] + momentum * (double) m[c]);
                    expectedRv[c] = (float) ((1 - (double) momentum) * rv0[c] + momentum * (double) v[c] * count / (count - 1));
                }
                for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("batchnorm"))) {
                    Tensor runningMean = rm.copy(), runningVar = rv.copy();
                    long fallbacks = Fallbacks.total();
                    Kernels.run(backend, BatchNormOps.RUNNING_STATS, Kernels.runningStats(p, count),
                            in(mean, var, runningMean, runningVar));
                    assertEquals(fallbacks, Fallbacks.total(), backend.name() + " took a fallback: " + Fallbacks.taken());
                    Parity.assertClose(expectedRm, runningMean.toFloatArray(), 1e-6, 1e-6,
                            backend.name() + " running mean " + context);
                    Parity.assertClose(expectedRv, runningVar.toFloatArray(), 1e-6, 1e-6,
                            backend.name() + " running variance " + context);
                }
            }
        }
    }

    /**
     * The reference backward against central differences (h = 1e-5) of a double-precision copy of the
     * forward formula, for the input, scale and shift, in training and inference. Bound: 1e-4 relative +
     * 1e-5 absolute (the reference rounds its results and statistics to float32).
     */
    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        SplittableRandom random = new SplittableRandom(77);
        for (int i = 0; i < 8; i++) {
            boolean training = i % 2 == 0;
            long[] shape = i < 4 ? new long[] {1 + random.nextInt(3), 1 + random.nextInt(3), 1 + random.nextInt(3), 2}
                    : new long[] {2 + random.nextInt(3), 1 + random.nextInt(4)};
            Case c = new Case(shape, true, true, true, 1e-3f, (float) random.nextDouble(-1, 1), 1, random.nextLong());
            BatchNormParams p = new BatchNormParams(c.epsilon(), 0.1f);
            String context = (training ? "training " : "inference ") + c;
            try (Scope scope = Scope.open()) {
                Inputs in = Inputs.of(c);
                long ch = c.channels();
                Tensor mean = training ? Tensor.empty(ch) : in.runningMean();
                Tensor var = training ? Tensor.empty(ch) : in.runningVariance();
                Tensor y = Tensor.empty(shape);
                if (training) {
                    Kernels.run(ReferenceBackend.INSTANCE, BatchNormOps.TRAINING, p,
                            in(in.x(), in.scale(), in.shift(), null, null), y, mean, var);
                } else {
                    Kernels.run(ReferenceBackend.INSTANCE, BatchNormOps.INFERENCE, p,
                            in(in.x(), in.scale(), in.shift(), mean, var), y);
                }
                double[] x = toDouble(in.x()), gamma = toDouble(in.scale()), beta = toDouble(in.shift());
                double[] rm = toDouble(in.runningMean()), rv = toDouble(in.runningVariance());
                double[] cot = toDouble(in.dy());
                Parity.assertClose(toFloat(forward(x, gamma, beta, rm, rv, shape, training, p.epsilon())), y.toFloatArray(),
                        1e-5, 1e-6, "double forward copy vs reference " + context);

                Tensor dx = Tensor.empty(shape), dScale = Tensor.empty(ch), dShift = Tensor.empty(ch);
                Kernels.run(ReferenceBackend.INSTANCE, BatchNormOps.BACKWARD, Kernels.normGrad(p, training, dScale, dShift),
                        in(in.x(), in.dy(), in.scale(), mean, var), dx, dScale, dShift);
                double[][] params = {x, gamma, beta};
                Tensor[] analytic = {dx, dScale, dShift};
                String[] names = {"diffSrc", "diffScale", "diffShift"};
                for (int which = 0; which < 3; which++) {
                    double[] v = params[which];
                    float[] numeric = new float[v.length];
                    for (int k = 0; k < v.length; k++) {
                        double h = 1e-5, saved = v[k];
                        v[k] = saved + h;
                        double plus = dot(cot, forward(x, gamma, beta, rm, rv, shape, training, p.epsilon()));
                        v[k] = saved - h;
                        double minus = dot(cot, forward(x, gamma, beta, rm, rv, shape, training, p.epsilon()));
                        v[k] = saved;
                        numeric[k] = (float) ((plus - minus) / (2 * h));
                    }
                    Parity.assertClose(numeric, analytic[which].toFloatArray(), 1e-4, 1e-5,
                            "finite differences " + names[which] + " " + context);
                }
            }
        }
    }

    /** The textbook forward in double: batch statistics in training, the given ones otherwise. */
    private static double[] forward(double[] x, double[] gamma, double[] beta, double[] rm, double[] rv, long[] shape,
                                    boolean training, double eps) {
        int n = (int) shape[0], ch = (int) shape[1];
        int spatial = x.length / (n * ch);
        double[] y = new double[x.length];
        for (int c = 0; c < ch; c++) {
            double mu = 0, var = 0;
            if (training) {
                for (int b = 0; b < n; b++) for (int s = 0; s < spatial; s++) mu += x[(b * ch + c) * spatial + s];
                mu /= (double) n * spatial;
                for (int b = 0; b < n; b++) for (int s = 0; s < spatial; s++) {
                    double d = x[(b * ch + c) * spatial + s] - mu;
                    var += d * d;
                }
                var /= (double) n * spatial;
            } else {
                mu = rm[c];
                var = rv[c];
            }
            for (int b = 0; b < n; b++) for (int s = 0; s < spatial; s++) {
                int at = (b * ch + c) * spatial + s;
                y[at] = gamma[c] * (x[at] - mu) / Math.sqrt(var + eps) + beta[c];
            }
        }
        return y;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static double[] toDouble(Tensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Test
    void functionalBackwardRunsOnTheCurrentBackend() {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(3, 4, 3, 5, 5), w = Tensor.uniform(new SplittableRandom(4), 0.5f, 2f, 3);
            Tensor b = Tensor.randn(5, 3), dy = Tensor.randn(6, 4, 3, 5, 5);
            BatchNormParams p = BatchNormParams.DEFAULT;
            BatchNormResult ref = Backends.with(ReferenceBackend.INSTANCE, () -> Functional.batchNormTraining(x, w, b, null, null, p));
            BatchNormGradients refGrads = Backends.with(ReferenceBackend.INSTANCE,
                    () -> Functional.batchNormBackward(p, true, x, dy, w, ref.mean(), ref.variance(), true));
            long before = onednn.nativeExecutions("batchnorm");
            BatchNormResult dnn = Backends.with(onednn, () -> Functional.batchNormTraining(x, w, b, null, null, p));
            BatchNormGradients grads = Backends.with(onednn,
                    () -> Functional.batchNormBackward(p, true, x, dy, w, dnn.mean(), dnn.variance(), true));
            assertEquals(before + 2, onednn.nativeExecutions("batchnorm"));
            Parity.assertClose(ref.output().toFloatArray(), dnn.output().toFloatArray(), 1e-4, 1e-4, "functional output");
            Parity.assertClose(refGrads.input().toFloatArray(), grads.input().toFloatArray(), 1e-4, 1e-4, "functional dx");
            Parity.assertClose(refGrads.scale().toFloatArray(), grads.scale().toFloatArray(), 1e-4, 1e-4, "functional dscale");
            Parity.assertClose(refGrads.shift().toFloatArray(), grads.shift().toFloatArray(), 1e-4, 1e-4, "functional dshift");
        }
    }

    /** With the kill switch on, batch norm runs on the reference and no primitive runs. */
    @Test
    void killSwitchRoutesToReference() {
        try (OneDnnBackend routed = OneDnnBackend.create(java.util.Set.of("batchnorm")); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(8, 4, 3), y = Tensor.empty(4, 3), mean = Tensor.empty(3), var = Tensor.empty(3);
            Tensor runningMean = Tensor.zeros(3), runningVar = Tensor.ones(3);
            Kernels.run(routed, BatchNormOps.TRAINING, BatchNormParams.DEFAULT, in(x, null, null, runningMean, runningVar),
                    y, mean, var);
            Kernels.run(routed, BatchNormOps.BACKWARD, Kernels.normGrad(BatchNormParams.DEFAULT, true, null, null),
                    in(x, y, null, mean, var), Tensor.empty(4, 3), null, null);
            Kernels.run(routed, BatchNormOps.RUNNING_STATS, Kernels.runningStats(BatchNormParams.DEFAULT, 4),
                    in(mean, var, runningMean, runningVar));
            assertEquals(0, routed.nativeExecutions("batchnorm"));
        }
    }

    @Test
    void invalidArgumentsAreRejectedWithClearMessages() {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        BatchNormParams p = BatchNormParams.DEFAULT;
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 2, 3), y = Tensor.empty(2, 3);
            Tensor mean = Tensor.empty(3), var = Tensor.empty(3);
            assertMessage("batchnorm: weight shape [4] != channels 3",
                    () -> Kernels.run(onednn, BatchNormOps.TRAINING, p, in(x, Tensor.ones(4), null, null, null), y, mean, var));
            assertMessage("batchnorm: runningVariance shape [2] != channels 3",
                    () -> Kernels.run(onednn, BatchNormOps.INFERENCE, p, in(x, null, null, mean, Tensor.ones(2)), y));
            assertMessage("batchnorm: training needs more than 1 value per channel, got input [1, 3]",
                    () -> Kernels.run(onednn, BatchNormOps.TRAINING, p, in(Tensor.ones(1, 3), null, null, null, null),
                            Tensor.empty(1, 3), mean, var));
            assertMessage("batchnorm: input must be rank 2 (N, C) or 4 (N, C, H, W), got [2, 3, 4]",
                    () -> Kernels.run(onednn, BatchNormOps.TRAINING, p, in(Tensor.ones(2, 3, 4), null, null, null, null),
                            Tensor.empty(2, 3, 4), mean, var));
            assertMessage("batchnorm_training: out shape [3, 2] != expected [2, 3]",
                    () -> Kernels.run(onednn, BatchNormOps.TRAINING, p, in(x, null, null, null, null), Tensor.empty(3, 2),
                            mean, var));
            assertMessage("batchnorm_training: output out must not share memory with input",
                    () -> Kernels.run(onednn, BatchNormOps.TRAINING, p, in(x, null, null, null, null), x, mean, var));
            assertMessage("batchnorm: give both running mean and running variance, or neither",
                    () -> Kernels.run(onednn, BatchNormOps.TRAINING, p, in(x, null, null, Tensor.zeros(3), null), y,
                            mean, var));
            assertMessage("batchnorm backward: gradWeight requested but the forward had no weight",
                    () -> Kernels.run(onednn, BatchNormOps.BACKWARD, Kernels.normGrad(p, true, Tensor.empty(3), null),
                            in(x, y, null, mean, var), Tensor.empty(2, 3), Tensor.empty(3), null));
            assertMessage("batchnorm: epsilon must be finite and > 0, got 0.0", () -> new BatchNormParams(0f, 0.1f));
            assertMessage("batchnorm: momentum must be in [0, 1], got 2.0", () -> new BatchNormParams(1e-5f, 2f));
            assertMessage("batchnorm running stats: need more than 1 value per channel for the unbiased variance, got 1",
                    () -> Kernels.run(onednn, BatchNormOps.RUNNING_STATS, Kernels.runningStats(p, 1),
                            in(mean, var, Tensor.zeros(3), Tensor.ones(3))));
            Tensor closed = Tensor.ones(3);
            closed.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Kernels.run(onednn, BatchNormOps.INFERENCE, p, in(x, closed, null, mean, var), y));
            assertEquals("batchnorm: weight [3] is closed", e.getMessage());
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
