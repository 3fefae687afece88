package org.jdnn.loss;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradientCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losses against closed forms and hand computations (float32 results, bound 1e-5 relative unless stated),
 * their validation, their behaviour at extreme logits, and their autograd gradients against central finite
 * differences on the reference backend (step 1e-2, bound 2e-2 (1 + |g|)).
 */
class LossesTest {
    private static final double TOL = 1e-5;

    @Test
    void mseAndL1MatchHandComputations() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor y = Tensor.of(new float[] {0, 2, 5, 1}, 2, 2);
            // differences 1, 0, -2, 3: squares 1 0 4 9, absolutes 1 0 2 3
            assertEquals(14 / 4.0, Losses.mseLoss(x, y).item(), TOL);
            assertEquals(14, Losses.mseLoss(x, y, Reduction.SUM).item(), TOL);
            assertEquals(6 / 4.0, Losses.l1Loss(x, y).item(), TOL);
            float[] none = Losses.l1Loss(x, y, Reduction.NONE).toFloatArray();
            assertEquals(2f, none[2], TOL);
        }
    }

    @Test
    void crossEntropyOfUniformLogitsIsLogC() {
        try (Scope scope = Scope.open()) {
            for (int classes : new int[] {2, 5, 10}) {
                Tensor logits = Tensor.full(3.5f, 4, classes);
                assertEquals(Math.log(classes), Losses.crossEntropy(logits, new int[] {0, 1, classes - 1, 0}).item(), TOL,
                        "C = " + classes);
                // Label smoothing does not change a uniform prediction's loss: every target row sums to 1.
                assertEquals(Math.log(classes),
                        Losses.crossEntropy(logits, new int[] {0, 1, 1, 0}, Reduction.MEAN, 0.3).item(), TOL);
            }
        }
    }

    @Test
    void crossEntropyWithLabelSmoothingMatchesTheFormula() {
        try (Scope scope = Scope.open()) {
            float[] raw = {2f, -1f, 0.5f, 0.1f, 0.2f, 3f};
            Tensor logits = Tensor.of(raw, 2, 3);
            int[] targets = {0, 2};
            double eps = 0.2;
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double max = Math.max(raw[3 * i], Math.max(raw[3 * i + 1], raw[3 * i + 2]));
                double lse = max + Math.log(Math.exp(raw[3 * i] - max) + Math.exp(raw[3 * i + 1] - max)
                        + Math.exp(raw[3 * i + 2] - max));
                double nll = lse - raw[3 * i + targets[i]];
                double smooth = 0;
                for (int c = 0; c < 3; c++) {
                    smooth += (lse - raw[3 * i + c]) / 3;
                }
                // PyTorch: (1 - eps) * nll + eps * mean over classes of -log p
                expected += (1 - eps) * nll + eps * smooth;
            }
            assertEquals(expected / 2, Losses.crossEntropy(logits, targets, Reduction.MEAN, eps).item(), TOL);
            assertEquals(expected, Losses.crossEntropy(logits, Tensor.of(0f, 2f), Reduction.SUM, eps).item(), 1e-4);
        }
    }

    @Test
    void nllOfLogSoftmaxEqualsCrossEntropy() {
        try (Scope scope = Scope.open()) {
            Tensor logits = Tensor.randn(7L, 5, 4);
            int[] targets = {3, 0, 1, 2, 3};
            assertEquals(Losses.crossEntropy(logits, targets).item(),
                    Losses.nllLoss(F.logSoftmax(logits, 1), targets).item(), TOL);
        }
    }

    @Test
    void binaryCrossEntropyMatchesHandValuesAndClampsLogs() {
        try (Scope scope = Scope.open()) {
            Tensor p = Tensor.of(0.8f, 0.3f, 0f, 1f);
            Tensor y = Tensor.of(1f, 0f, 1f, 1f);
            float[] none = Losses.binaryCrossEntropy(p, y, Reduction.NONE).toFloatArray();
            assertEquals(-Math.log(0.8), none[0], TOL);
            assertEquals(-Math.log(0.7), none[1], TOL);
            assertEquals(100.0, none[2], TOL, "log(0) is clamped at -100, as PyTorch");
            assertEquals(0.0, none[3], TOL);
        }
    }

    @Test
    void bceWithLogitsEqualsBceOfSigmoidAndStaysFiniteAtExtremes() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(-2f, 0f, 0.7f, 3f);
            Tensor y = Tensor.of(0f, 1f, 1f, 0.25f);
            assertEquals(Losses.binaryCrossEntropy(F.sigmoid(x), y).item(),
                    Losses.binaryCrossEntropyWithLogits(x, y).item(), 1e-5);

            Tensor extreme = Tensor.of(1e4f, -1e4f, 1e4f, -1e4f).requiresGrad(true);
            Tensor target = Tensor.of(1f, 0f, 0f, 1f);
            Tensor loss = Losses.binaryCrossEntropyWithLogits(extreme, target, Reduction.SUM);
            // Correct sides cost 0, wrong sides cost |x| = 1e4 each.
            assertEquals(2e4, loss.item(), 1.0);
            loss.backward();
            float[] g = extreme.grad().toFloatArray();
            float[] expected = {0, 0, 1, -1}; // sigmoid(x) - y
            for (int i = 0; i < 4; i++) {
                assertTrue(Float.isFinite(g[i]), "gradient " + i + " = " + g[i]);
                assertEquals(expected[i], g[i], 1e-6);
            }
        }
    }

    @Test
    void crossEntropyAtExtremeLogitsIsFiniteWithFiniteGradients() {
        try (Scope scope = Scope.open()) {
            Tensor logits = Tensor.of(new float[] {1e4f, -1e4f, 0f, -1e4f, 1e4f, 1e4f}, 2, 3).requiresGrad(true);
            Tensor loss = Losses.crossEntropy(logits, new int[] {0, 0}, Reduction.MEAN, 0.1);
            assertTrue(Float.isFinite(loss.item()), "loss " + loss.item());
            loss.backward();
            for (float v : logits.grad().toFloatArray()) {
                assertTrue(Float.isFinite(v), "gradient " + v);
            }
            Tensor plain = Losses.crossEntropy(Tensor.of(new float[] {1e4f, -1e4f}, 1, 2), new int[] {1});
            assertEquals(2e4, plain.item(), 1.0);
        }
    }

    @Test
    void klDivMatchesTheDefinitionForEveryReduction() {
        try (Scope scope = Scope.open()) {
            float[] q = {0.2f, 0.3f, 0.5f, 0.6f, 0.4f, 0f};
            float[] p = {0.1f, 0.1f, 0.8f, 0.25f, 0.25f, 0.5f};
            Tensor logP = F.log(Tensor.of(p, 2, 3));
            Tensor target = Tensor.of(q, 2, 3);
            double sum = 0;
            for (int i = 0; i < 6; i++) {
                sum += q[i] == 0 ? 0 : q[i] * (Math.log(q[i]) - Math.log(p[i]));
            }
            assertEquals(sum, Losses.klDiv(logP, target, Reduction.SUM).item(), 1e-5);
            assertEquals(sum / 2, Losses.klDiv(logP, target, Reduction.BATCHMEAN).item(), 1e-5);
            assertEquals(sum / 6, Losses.klDiv(logP, target, Reduction.MEAN).item(), 1e-5);
            assertEquals(0f, Losses.klDiv(logP, target, Reduction.NONE).toFloatArray()[5], 0f, "0 where target is 0");
            assertEquals(0.0, Losses.klDiv(F.log(target.copy().fill(0.5f)), target.copy().fill(0.5f), Reduction.SUM).item(),
                    1e-6, "KL(p || p) = 0");
        }
    }

    @Test
    void multiMarginMatchesHandComputation() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f}, 1, 4);
            // PyTorch docs example: y = 3 -> (max(0, 1 - 0.8 + 0.1) + max(0, 1 - 0.8 + 0.2) + max(0, 1 - 0.8 + 0.4)) / 4
            assertEquals((0.3 + 0.4 + 0.6) / 4, Losses.multiMarginLoss(x, new int[] {3}).item(), TOL);
        }
    }

    @Test
    void badArgumentsNameTheLoss() {
        try (Scope scope = Scope.open()) {
            Tensor logits = Tensor.zeros(2, 3);
            assertMessage("cross_entropy", () -> Losses.crossEntropy(logits, new int[] {0, 3}));
            assertMessage("cross_entropy", () -> Losses.crossEntropy(logits, new int[] {0}));
            assertMessage("cross_entropy", () -> Losses.crossEntropy(logits, Tensor.of(0f, 1.5f)));
            assertMessage("cross_entropy", () -> Losses.crossEntropy(logits, new int[] {0, 1}, Reduction.MEAN, 1.5));
            assertMessage("nll_loss", () -> Losses.nllLoss(logits, new int[] {-1, 0}));
            assertMessage("multi_margin_loss", () -> Losses.multiMarginLoss(logits, new int[] {0, 1, 2}));
            assertMessage("mse_loss", () -> Losses.mseLoss(logits, Tensor.zeros(3, 2)));
            assertMessage("l1_loss", () -> Losses.l1Loss(logits, Tensor.zeros(6)));
            assertMessage("binary_cross_entropy", () -> Losses.binaryCrossEntropy(Tensor.of(1.5f), Tensor.of(1f)));
            assertMessage("binary_cross_entropy_with_logits",
                    () -> Losses.binaryCrossEntropyWithLogits(Tensor.of(1f, 2f), Tensor.of(1f)));
            assertMessage("kl_div", () -> Losses.klDiv(logits, Tensor.zeros(2, 2), Reduction.BATCHMEAN));
            assertMessage("mse_loss", () -> Losses.mseLoss(logits, logits, Reduction.BATCHMEAN));
        }
    }

    /** The probability checks run on the backend and read back one scalar; NaN, infinities and strays are caught. */
    @Test
    void probabilityChecksCatchEveryStray() {
        try (Scope scope = Scope.open()) {
            Tensor ones = Tensor.ones(2, 3);
            for (float bad : new float[] {-1e-7f, 1.0000001f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                Tensor p = Tensor.full(0.5f, 2, 3);
                p.set(bad, 1, 2);
                assertMessage("binary_cross_entropy", () -> Losses.binaryCrossEntropy(p, ones));
                if (!(bad > 0 && bad < Float.POSITIVE_INFINITY)) {
                    assertMessage("kl_div", () -> Losses.klDiv(ones, p, Reduction.SUM));
                }
            }
            Tensor edges = Tensor.of(0f, 1f, 0.5f);
            assertTrue(Float.isFinite(Losses.binaryCrossEntropy(edges, Tensor.of(1f, 0f, 1f)).item()));
            assertEquals(0.0, Losses.klDiv(Tensor.zeros(3), Tensor.zeros(3), Reduction.SUM).item(), 0.0,
                    "an all-zero target contributes nothing");
            assertEquals(0.0, Losses.binaryCrossEntropy(Tensor.empty(0), Tensor.empty(0), Reduction.SUM).item(), 0.0);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        long seed = 20240601L;
        SplittableRandom random = new SplittableRandom(seed);
        Backends.with(ReferenceBackend.INSTANCE, () -> {
            try (Scope scope = Scope.open()) {
                Tensor target = Tensor.randn(random.nextLong(), 3, 4);
                Tensor probabilities = Tensor.uniform(random, 0.05f, 0.95f, 3, 4);
                Tensor labels = Tensor.rand(random.nextLong(), 3, 4);
                Tensor distribution = Tensor.uniform(random, 0.05f, 1f, 3, 4);
                int[] classes = {1, 3, 0};
                check("mse", seed, Tensor.randn(random.nextLong(), 3, 4), x -> Losses.mseLoss(x, target));
                check("l1", seed, Tensor.randn(random.nextLong(), 3, 4), x -> Losses.l1Loss(x, target, Reduction.SUM));
                check("bce", seed, probabilities, p -> Losses.binaryCrossEntropy(p, labels));
                check("bce_with_logits", seed, Tensor.randn(random.nextLong(), 3, 4),
                        x -> Losses.binaryCrossEntropyWithLogits(x, labels));
                check("cross_entropy", seed, Tensor.randn(random.nextLong(), 3, 4),
                        x -> Losses.crossEntropy(x, classes, Reduction.MEAN, 0.1));
                check("nll", seed, Tensor.randn(random.nextLong(), 3, 4), x -> Losses.nllLoss(x, classes, Reduction.SUM));
                check("kl_div", seed, Tensor.randn(random.nextLong(), 3, 4),
                        x -> Losses.klDiv(x, distribution, Reduction.BATCHMEAN));
                // Scores spread by 0.35 keep every hinge away from its kink at the finite-difference step.
                Tensor scores = Tensor.of(new float[] {0.1f, 1.9f, -0.7f, 0.45f, 2.2f, -0.25f, 0.8f, 1.15f,
                        -1.3f, 0.05f, 0.6f, 3.1f}, 3, 4);
                check("multi_margin", seed, scores, x -> Losses.multiMarginLoss(x, classes));
            }
        });
    }

    private static void check(String name, long seed, Tensor input, Function<Tensor, Tensor> loss) {
        Tensor x = input.copy().requiresGrad(true);
        loss.apply(x).backward();
        Tensor grad = x.grad().copy();
        GradientCheck.finiteDifferences(x, grad, () -> {
            try (Scope inner = Scope.open()) {
                return loss.apply(x.detach()).item();
            }
        }, 1e-2, 2e-2, name + " seed " + seed + " input " + input.shape());
    }

    private static void assertMessage(String loss, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(loss + ":"), e.getMessage());
    }
}
