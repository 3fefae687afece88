package org.jdnn.optim;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.loss.Losses;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end learning with raw tensors, {@link F} and the optimizers: XOR, a 2-D circle, L-BFGS on Rosenbrock
 * and logistic regression, vanishing gradients in a deep sigmoid MLP, and a 2-2-1 network and a single neuron
 * checked to 1e-6 against hand derivations. All data and initial weights are seeded (seeds in the messages).
 *
 * <p>XOR and the 2-2-1 network run on the default backend (oneDNN), the longer loops on the reference backend:
 * with tensors this small each native call costs more than the arithmetic (OpenMP hand-offs), and on a loaded
 * 2-core machine the longer loops would take tens of seconds there. The optimizer kernels' parity between the
 * backends is {@link OptimizerKernelParityTest}'s job.
 */
class LearningTest {
    private final List<Tensor> owned = new ArrayList<>();

    @AfterEach
    void free() {
        owned.forEach(Tensor::close);
        owned.clear();
    }

    /** A leaf parameter owned by the test, outside any scope. */
    private Tensor param(Tensor values) {
        Tensor p = Scope.untracked(values::copy).requiresGrad(true);
        owned.add(p);
        values.close();
        return p;
    }

    /** Weights (out, in) uniform in +-sqrt(k / in), bias (out) zero: a seeded layer. */
    private Tensor[] layer(SplittableRandom random, int in, int out, double k) {
        float bound = (float) Math.sqrt(k / in);
        return new Tensor[] {param(Tensor.uniform(random, -bound, bound, out, in)), param(Tensor.zeros(out))};
    }

    private static void onReference(Runnable body) {
        Backends.with(ReferenceBackend.INSTANCE, body);
    }

    private static void train(Optimizer opt, int steps, java.util.function.Supplier<Tensor> loss) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            try (Scope scope = Scope.open()) {
                loss.get().backward();
            }
            opt.step();
        }
    }

    @Test
    void xorIsSolvedByATwoLayerMlp() {
        long seed = 11;
        SplittableRandom random = new SplittableRandom(seed);
        Tensor[] l1 = layer(random, 2, 4, 6);
        Tensor[] l2 = layer(random, 4, 1, 6);
        try (Scope data = Scope.open();
             Adam adam = new Adam(List.of(l1[0], l1[1], l2[0], l2[1]), AdamParams.adam(0.1))) {
            Tensor x = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
            Tensor y = Tensor.of(new float[] {0, 1, 1, 0}, 4, 1);
            Function<Tensor, Tensor> net = in -> F.linear(F.tanh(F.linear(in, l1[0], l1[1])), l2[0], l2[1]);
            train(adam, 200, () -> Losses.binaryCrossEntropyWithLogits(net.apply(x), y));
            float[] p = F.sigmoid(net.apply(x)).toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(y.toFloatArray()[i], p[i], 0.1, "XOR sample " + i + " seed " + seed);
            }
        }
    }

    @Test
    void aCircleIsLearnedByA281ReluSigmoidMlpWithBce() {
        onReference(() -> {
            long seed = 2024;
            SplittableRandom random = new SplittableRandom(seed);
            int n = 256;
            float[] points = new float[2 * n];
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) {
                float a = (float) random.nextDouble(-1.6, 1.6);
                float b = (float) random.nextDouble(-1.6, 1.6);
                points[2 * i] = a;
                points[2 * i + 1] = b;
                labels[i] = a * a + b * b < 1 ? 1f : 0f;
            }
            Tensor[] l1 = layer(random, 2, 8, 6);
            Tensor[] l2 = layer(random, 8, 1, 6);
            try (Scope data = Scope.open();
                 Adam adam = new Adam(List.of(l1[0], l1[1], l2[0], l2[1]), AdamParams.adam(0.03))) {
                Tensor x = Tensor.of(points, n, 2);
                Tensor y = Tensor.of(labels, n, 1);
                Function<Tensor, Tensor> net = in -> F.sigmoid(F.linear(F.relu(F.linear(in, l1[0], l1[1])), l2[0], l2[1]));
                train(adam, 600, () -> Losses.binaryCrossEntropy(net.apply(x), y));
                float[] p = net.apply(x).toFloatArray();
                int correct = 0;
                for (int i = 0; i < n; i++) {
                    correct += (p[i] > 0.5f) == (labels[i] > 0.5f) ? 1 : 0;
                }
                double accuracy = correct / (double) n;
                assertTrue(accuracy > 0.95, "circle accuracy " + accuracy + " seed " + seed);
            }
        });
    }

    @Test
    void lbfgsMinimisesRosenbrock() {
        onReference(() -> {
            Tensor x = param(Tensor.of(-1.2f));
            Tensor y = param(Tensor.of(1f));
            LBFGS lbfgs = new LBFGS(List.of(x, y), LBFGS.Options.defaults(LBFGS.LineSearch.BACKTRACKING_ARMIJO)
                    .withMaxIter(200).withHistorySize(10));
            // f = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1).
            java.util.function.Supplier<Tensor> closure = () -> {
                lbfgs.zeroGrad();
                Tensor f = F.add(F.square(F.sub(Tensor.of(1f), x)), F.mul(F.square(F.sub(y, F.square(x))), 100f));
                f.backward();
                return f;
            };
            for (int i = 0; i < 5; i++) {
                lbfgs.step(closure);
            }
            String state = "x " + x.item() + " y " + y.item() + " after " + lbfgs.iterations() + " iterations, "
                    + lbfgs.evaluations() + " evaluations";
            assertEquals(1, x.item(), 1e-4, state);
            assertEquals(1, y.item(), 1e-4, state);
        });
    }

    @Test
    void lbfgsFitsAFullBatchLogisticRegression() {
        onReference(() -> {
            long seed = 77;
            SplittableRandom random = new SplittableRandom(seed);
            int n = 200;
            float[] features = new float[2 * n];
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) {
                float a = (float) random.nextGaussian();
                float b = (float) random.nextGaussian();
                features[2 * i] = a;
                features[2 * i + 1] = b;
                // A noisy linear rule (about 10% of labels flipped) keeps the optimum finite.
                boolean positive = 1.5 * a - b + 0.5 > 0;
                labels[i] = (positive ^ random.nextDouble() < 0.1) ? 1f : 0f;
            }
            Tensor w = param(Tensor.zeros(1, 2));
            Tensor b = param(Tensor.zeros(1));
            for (LBFGS.LineSearch search : LBFGS.LineSearch.values()) {
                w.fill(0f);
                b.fill(0f);
                try (Scope data = Scope.open()) {
                    Tensor x = Tensor.of(features, n, 2);
                    Tensor y = Tensor.of(labels, n, 1);
                    LBFGS lbfgs = new LBFGS(List.of(w, b), LBFGS.Options.defaults(search).withMaxIter(100));
                    java.util.function.Supplier<Tensor> closure = () -> {
                        lbfgs.zeroGrad();
                        Tensor loss = Losses.binaryCrossEntropyWithLogits(F.linear(x, w, b), y);
                        loss.backward();
                        return loss;
                    };
                    float initial = lbfgs.step(closure);
                    assertEquals(Math.log(2), initial, 1e-6, "zero weights predict 1/2");
                    lbfgs.step(closure);
                    double gradNorm = Math.sqrt(sumSquares(w.grad()) + sumSquares(b.grad()));
                    assertTrue(gradNorm < 1e-4, search + ": gradient norm " + gradNorm + " seed " + seed);
                    // The fitted boundary leans as the rule does: w0 > 0 > w1.
                    assertTrue(w.get(0, 0) > 0 && w.get(0, 1) < 0, search + ": weights " + w.get(0, 0) + ", " + w.get(0, 1));
                }
            }
        });
    }

    private static double sumSquares(Tensor t) {
        double s = 0;
        for (float v : t.toFloatArray()) {
            s += (double) v * v;
        }
        return s;
    }

    /**
     * Gradient norms of the 8 weight matrices of a 16-wide MLP (batch 64, loss = mean of outputs squared):
     * with sigmoid they shrink layer by layer towards the input (sigmoid' <= 1/4), with ReLU and He-scaled
     * weights they stay within a factor of 10 of each other.
     */
    @Test
    void sigmoidGradientsVanishWithDepthWhileReluGradientsDoNot() {
        onReference(() -> {
            long seed = 8;
            double[] sigmoid = layerGradientNorms(seed, F::sigmoid, 3);
            double[] relu = layerGradientNorms(seed, F::relu, 6);
            String report = "seed " + seed + " sigmoid " + java.util.Arrays.toString(sigmoid) + " relu "
                    + java.util.Arrays.toString(relu);
            for (int l = 0; l + 1 < sigmoid.length; l++) {
                assertTrue(sigmoid[l] < sigmoid[l + 1], "sigmoid layer " + l + " vs " + (l + 1) + ": " + report);
            }
            assertTrue(sigmoid[0] < 1e-2 * sigmoid[sigmoid.length - 1], "sigmoid first/last: " + report);
        double min = java.util.Arrays.stream(relu).min().orElseThrow();
            double max = java.util.Arrays.stream(relu).max().orElseThrow();
            assertTrue(min > 0.1 * max, "relu norms spread: " + report);
        });
    }

    private double[] layerGradientNorms(long seed, Function<Tensor, Tensor> activation, double k) {
        SplittableRandom random = new SplittableRandom(seed);
        int depth = 8, width = 16;
        List<Tensor[]> layers = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            layers.add(layer(random, width, width, k));
        }
        try (Scope scope = Scope.open()) {
            Tensor h = Tensor.randn(random.nextLong(), 64, width);
            for (Tensor[] l : layers) {
                h = activation.apply(F.linear(h, l[0], l[1]));
            }
            F.mean(F.square(h)).backward();
        }
        double[] norms = new double[depth];
        for (int l = 0; l < depth; l++) {
            norms[l] = Math.sqrt(sumSquares(layers.get(l)[0].grad()));
        }
        return norms;
    }

    /**
     * A 2-2-1 sigmoid network, one forward, backward and SGD step (lr 0.5) against a derivation by hand.
     * <pre>
     * forward:  z1 = W1 x + b1, h = sigmoid(z1), z2 = W2 h + b2, o = sigmoid(z2), L = (o - t)^2 / 2
     * backward: dL/do = o - t;  d2 = dL/dz2 = (o - t) o (1 - o)
     *           dL/dW2 = d2 h^T, dL/db2 = d2
     *           dL/dh = W2^T d2;  d1 = dL/dz1 = (W2^T d2) * h (1 - h)   (element-wise)
     *           dL/dW1 = d1 x^T, dL/db1 = d1
     * step:     p' = p - lr dL/dp
     * </pre>
     * With x = (0.05, 0.10), W1 = [[0.15, 0.20], [0.25, 0.30]], b1 = (0.35, 0.35), W2 = [[0.40, 0.45]],
     * b2 = 0.60, t = 0.01: z1 = (0.3775, 0.3925), h = (0.593269992, 0.596884378), z2 = 1.105905967,
     * o = 0.751365070, d2 = 0.741365070 * 0.186815602 = 0.138498562, so W2' = (0.358916480, 0.408666186).
     */
    @Test
    void aTwoTwoOneSigmoidNetworkMatchesTheHandDerivation() {
        Tensor w1 = param(Tensor.of(new float[] {0.15f, 0.20f, 0.25f, 0.30f}, 2, 2));
        Tensor b1 = param(Tensor.of(0.35f, 0.35f));
        Tensor w2 = param(Tensor.of(new float[] {0.40f, 0.45f}, 1, 2));
        Tensor b2 = param(Tensor.of(0.60f));
        double[] x = {0.05, 0.10};
        double t = 0.01, lr = 0.5;
        // The derivation above, in double.
        double[][] W1 = {{0.15, 0.20}, {0.25, 0.30}};
        double[] B1 = {0.35, 0.35};
        double[] W2 = {0.40, 0.45};
        double B2 = 0.60;
        double[] h = new double[2];
        for (int j = 0; j < 2; j++) {
            h[j] = sigmoid(W1[j][0] * x[0] + W1[j][1] * x[1] + B1[j]);
        }
        double o = sigmoid(W2[0] * h[0] + W2[1] * h[1] + B2);
        double d2 = (o - t) * o * (1 - o);
        double[] d1 = {W2[0] * d2 * h[0] * (1 - h[0]), W2[1] * d2 * h[1] * (1 - h[1])};
        assertEquals(0.593269992, h[0], 1e-9);
        assertEquals(0.751365070, o, 1e-9);
        assertEquals(0.138498562, d2, 1e-9);

        try (Scope scope = Scope.open(); SGD sgd = new SGD(List.of(w1, b1, w2, b2), SgdParams.of(lr))) {
            Tensor input = Tensor.of(new float[] {0.05f, 0.10f}, 1, 2);
            Tensor out = F.sigmoid(F.linear(F.sigmoid(F.linear(input, w1, b1)), w2, b2));
            Tensor loss = F.mul(Losses.mseLoss(out, Tensor.of(new float[] {0.01f}, 1, 1)), 0.5f);
            assertEquals(0.5 * (o - t) * (o - t), loss.item(), 1e-6, "loss");
            loss.backward();
            assertClose(new double[] {d2 * h[0], d2 * h[1]}, w2.grad(), "dL/dW2");
            assertClose(new double[] {d2}, b2.grad(), "dL/db2");
            assertClose(new double[] {d1[0] * x[0], d1[0] * x[1], d1[1] * x[0], d1[1] * x[1]}, w1.grad(), "dL/dW1");
            assertClose(new double[] {d1[0], d1[1]}, b1.grad(), "dL/db1");
            sgd.step();
            assertClose(new double[] {0.358916480, 0.408666186}, w2, "W2 after the step (hand values)");
            assertClose(new double[] {W1[0][0] - lr * d1[0] * x[0], W1[0][1] - lr * d1[0] * x[1],
                    W1[1][0] - lr * d1[1] * x[0], W1[1][1] - lr * d1[1] * x[1]}, w1, "W1 after the step");
            assertClose(new double[] {B2 - lr * d2}, b2, "b2 after the step");
        }
    }

    /**
     * y = sigmoid(w x + b) with BCE: dL/dz = sigmoid(z) - target, so dL/dw = (sigmoid(z) - target) x and
     * dL/db = sigmoid(z) - target; one SGD step, then training drives the neuron to the target.
     */
    @Test
    void aSingleSigmoidNeuron() {
        onReference(() -> {
            Tensor w = param(Tensor.of(new float[] {0.5f}, 1, 1));
            Tensor b = param(Tensor.of(-0.2f));
            double x = 1.5, target = 1, lr = 0.1;
            double z = 0.5 * x - 0.2;
            double err = sigmoid(z) - target;
            try (Scope scope = Scope.open(); SGD sgd = new SGD(List.of(w, b), SgdParams.of(lr))) {
                Tensor input = Tensor.of(new float[] {1.5f}, 1, 1);
                Tensor y = Tensor.of(new float[] {1f}, 1, 1);
                Tensor loss = Losses.binaryCrossEntropy(F.sigmoid(F.linear(input, w, b)), y);
                assertEquals(-Math.log(sigmoid(z)), loss.item(), 1e-6, "loss");
                loss.backward();
                assertClose(new double[] {err * x}, w.grad(), "dL/dw");
                assertClose(new double[] {err}, b.grad(), "dL/db");
                sgd.step();
                assertClose(new double[] {0.5 - lr * err * x}, w, "w after the step");
                assertClose(new double[] {-0.2 - lr * err}, b, "b after the step");
                train(sgd, 200, () -> Losses.binaryCrossEntropy(F.sigmoid(F.linear(input, w, b)), y));
                assertTrue(F.sigmoid(F.linear(input, w, b)).item() > 0.95, "the neuron learned its target");
            }
        });
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static void assertClose(double[] expected, Tensor actual, String context) {
        float[] a = actual.toFloatArray();
        assertEquals(expected.length, a.length, context);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], 1e-6, context + " element " + i);
        }
    }
}
