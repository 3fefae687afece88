package org.jdnn.loss;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.LossReduction;
import org.jdnn.ops.NllLossParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradientCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's loss options against values computed by hand (the arithmetic is in the comments; bound 1e-5 absolute
 * unless stated), gradients by central finite differences on the reference, and the refusals. Runs on the default
 * backend (oneDNN where it loads) unless a test says otherwise.
 */
class LossOptionsTest {
    private static final double TOL = 1e-5;
    private static final double LN2 = Math.log(2);

    /** Log-probabilities (3, 3) with targets {0, 2, 1} and class weights {1, 2, 3}. */
    private static Tensor logProbabilities() {
        return Tensor.of(new float[] {-1, -2, -3, -0.5f, -1.5f, -2.5f, -4, -0.25f, -1}, 3, 3);
    }

    private static Tensor classWeights() {
        return Tensor.of(1f, 2f, 3f);
    }

    private static CrossEntropyOptions.Builder options() {
        return CrossEntropyOptions.builder();
    }

    @Test
    void nllWithWeightsAndIgnoreIndexMatchesHandValues() {
        try (Scope scope = Scope.open()) {
            Tensor x = logProbabilities();
            int[] t = {0, 2, 1};
            // -x[i, t_i] = 1, 2.5, 0.25: sum 3.75, mean 3.75 / 3 = 1.25
            assertArrayEquals(new float[] {1f, 2.5f, 0.25f},
                    Losses.nllLoss(x, t, Reduction.NONE).toFloatArray(), 1e-6f);
            assertEquals(3.75, Losses.nllLoss(x, t, Reduction.SUM).item(), TOL);
            assertEquals(1.25, Losses.nllLoss(x, t).item(), TOL);
            Tensor target = Tensor.of(0f, 2f, 1f);
            // weighted: w[t] = 1, 3, 2 -> 1, 7.5, 0.5; sum 9; PyTorch's mean divides by 1 + 3 + 2 = 6: 1.5
            assertArrayEquals(new float[] {1f, 7.5f, 0.5f}, Losses.nllLoss(x, target,
                    options().weight(classWeights()).reduction(Reduction.NONE).build()).toFloatArray(), 1e-6f);
            assertEquals(9, Losses.nllLoss(x, target, options().weight(classWeights()).reduction(Reduction.SUM).build())
                    .item(), TOL);
            assertEquals(1.5, Losses.nllLoss(x, target, options().weight(classWeights()).build()).item(), TOL);
            // ignore_index 2 drops sample 1: 1 + 0.5 = 1.5 over weights 1 + 2 = 3: 0.5
            assertEquals(0.5, Losses.nllLoss(x, target, options().weight(classWeights()).ignoreIndex(2).build()).item(),
                    TOL);
            assertArrayEquals(new float[] {1f, 0f, 0.5f}, Losses.nllLoss(x, target, options().weight(classWeights())
                    .ignoreIndex(2).reduction(Reduction.NONE).build()).toFloatArray(), 0f);
            // int64 class indices, PyTorch's dtype, give the same
            assertEquals(1.5, Losses.nllLoss(x, Tensor.ofLongs(0, 2, 1), options().weight(classWeights()).build()).item(),
                    TOL);
            CrossEntropyOptions ignoring = options().weight(classWeights()).ignoreIndex(2).build();
            assertEquals(Losses.nllLoss(F.logSoftmax(x, 1), Tensor.ofLongs(0, 2, 1), ignoring).item(),
                    Losses.crossEntropy(x, Tensor.ofLongs(0, 2, 1), ignoring).item(), TOL);
            // every target ignored: the mean is 0 / 0 = NaN (as PyTorch), the sum 0
            Tensor ignored = Tensor.of(1f, 1f, 1f);
            assertTrue(Float.isNaN(Losses.nllLoss(x, ignored, options().ignoreIndex(1).build()).item()));
            assertEquals(0f, Losses.nllLoss(x, ignored, options().ignoreIndex(1).reduction(Reduction.SUM).build()).item());
        }
    }

    @Test
    void labelSmoothingWithWeightsAndIgnoreIndexFollowsPyTorchsFormula() {
        try (Scope scope = Scope.open()) {
            Tensor x = logProbabilities();
            Tensor target = Tensor.of(0f, 2f, 1f);
            Tensor w = classWeights();
            // per sample (1 - 0.3) w[t] (-x[t]) + 0.3 / 3 sum_c w_c (-x_c):
            //   row 0: 0.7 * 1 * 1    + 0.1 * (1 + 4 + 9)       = 0.7  + 1.4  = 2.1
            //   row 1: 0.7 * 3 * 2.5  + 0.1 * (0.5 + 3 + 7.5)   = 5.25 + 1.1  = 6.35
            //   row 2: 0.7 * 2 * 0.25 + 0.1 * (4 + 0.5 + 3)     = 0.35 + 0.75 = 1.1
            NllLossParams none = new NllLossParams(LossReduction.NONE, -100, 0.3);
            assertArrayEquals(new float[] {2.1f, 6.35f, 1.1f}, F.nllLoss(x, target, w, none).toFloatArray(), 1e-5f);
            // mean: (2.1 + 6.35 + 1.1) / (1 + 3 + 2) = 9.55 / 6
            assertEquals(9.55 / 6, F.nllLoss(x, target, w, new NllLossParams(LossReduction.MEAN, -100, 0.3)).item(), TOL);
            // ignoring class 2 drops row 1: (2.1 + 1.1) / (1 + 2) = 1.0666..., as PyTorch's
            // (1 - 0.3) nll_mean + 0.3 / 3 * smooth_sum / weight_sum = 0.7 * 1.5 / 3 + 0.1 * 21.5 / 3
            assertEquals(3.2 / 3, F.nllLoss(x, target, w, new NllLossParams(LossReduction.MEAN, 2, 0.3)).item(), TOL);

            // cross-entropy applies it after log-softmax: logits that are already log-probabilities (each row's
            // exps sum to 1) give the same numbers
            Tensor logits = F.logSoftmax(Tensor.of(new float[] {0.3f, -1f, 2f, 1f, 0f, 0.5f}, 2, 3), 1);
            Tensor t2 = Tensor.of(2f, 0f);
            assertEquals(F.nllLoss(logits, t2, w, new NllLossParams(LossReduction.MEAN, 0, 0.3)).item(),
                    Losses.crossEntropy(logits, t2, options().weight(w).ignoreIndex(0).labelSmoothing(0.3).build()).item(),
                    TOL);
        }
    }

    @Test
    void crossEntropyOverSpatialDimensionsEqualsItPerPosition() {
        try (Scope scope = Scope.open()) {
            SplittableRandom r = new SplittableRandom(7);
            long n = 2, c = 4, d = 3;
            Tensor logits = Tensor.randn(11L, n, c, d);
            float[] x = logits.toFloatArray();
            float[] t = new float[(int) (n * d)];
            for (int i = 0; i < t.length; i++) {
                t[i] = r.nextInt((int) c);
            }
            t[1] = -100; // ignored
            CrossEntropyOptions o = options().weight(Tensor.of(0.5f, 1f, 2f, 1.5f)).labelSmoothing(0.2)
                    .reduction(Reduction.NONE).build();
            float[] spatial = Losses.crossEntropy(logits, Tensor.of(t, n, d), o).toFloatArray();
            for (int k = 0; k < d; k++) {
                float[] slice = new float[(int) (n * c)];
                float[] tk = new float[(int) n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < c; j++) {
                        slice[(int) (i * c + j)] = x[(int) ((i * c + j) * d + k)];
                    }
                    tk[i] = t[(int) (i * d + k)];
                }
                float[] perPosition = Losses.crossEntropy(Tensor.of(slice, n, c), Tensor.of(tk, n), o).toFloatArray();
                for (int i = 0; i < n; i++) {
                    assertEquals(perPosition[i], spatial[(int) (i * d + k)], 1e-5, "sample " + i + " position " + k);
                }
            }
            assertEquals(0f, spatial[1], 0f, "the ignored position");
            // (C) input with a rank-0 target: one sample
            Tensor single = Tensor.of(0f, (float) Math.log(3));
            assertEquals(-Math.log(0.75), Losses.crossEntropy(single, Tensor.scalar(1f)).item(), TOL);
        }
    }

    @Test
    void crossEntropyWithProbabilityTargetsMatchesHandValues() {
        try (Scope scope = Scope.open()) {
            // rows: logits (0, ln 3) -> softmax (0.25, 0.75); logits (0, 0) -> (0.5, 0.5)
            Tensor logits = Tensor.of(new float[] {0f, (float) Math.log(3), 0f, 0f}, 2, 2);
            Tensor q = Tensor.of(new float[] {0.5f, 0.5f, 1f, 0f}, 2, 2);
            // row 0: -(0.5 ln 0.25 + 0.5 ln 0.75) = 0.5 (1.386294 + 0.287682) = 0.836988; row 1: -ln 0.5 = 0.693147
            double row0 = 0.5 * (Math.log(4) + Math.log(4.0 / 3)), row1 = LN2;
            assertArrayEquals(new float[] {(float) row0, (float) row1},
                    Losses.crossEntropy(logits, q, options().reduction(Reduction.NONE).build()).toFloatArray(), 1e-6f);
            assertEquals((row0 + row1) / 2, Losses.crossEntropy(logits, q).item(), TOL);
            // weight (2, 1): row 0: 0.5 * 2 * 1.386294 + 0.5 * 1 * 0.287682 = 1.530135; row 1: 2 ln 2 = 1.386294;
            // the mean divides by the 2 samples, not by the weights (PyTorch): 1.458215
            Tensor w = Tensor.of(2f, 1f);
            double weighted = (0.5 * 2 * Math.log(4) + 0.5 * Math.log(4.0 / 3) + 2 * LN2) / 2;
            assertEquals(weighted, Losses.crossEntropy(logits, q, options().weight(w).build()).item(), TOL);
            // smoothing 0.2 turns the targets into 0.8 q + 0.1: (0.5, 0.5) stays, (1, 0) becomes (0.9, 0.1):
            // row 1: -(0.9 ln 0.5 + 0.1 ln 0.5) = ln 2, so the unweighted mean is unchanged
            assertEquals((row0 + row1) / 2, Losses.crossEntropy(logits, q, options().labelSmoothing(0.2).build()).item(), TOL);
            // with weight (2, 1) row 1 is -(2 * 0.9 + 1 * 0.1) ln 0.5 = 1.9 ln 2
            assertEquals((0.5 * 2 * Math.log(4) + 0.5 * Math.log(4.0 / 3) + 1.9 * LN2) / 2,
                    Losses.crossEntropy(logits, q, options().weight(w).labelSmoothing(0.2).build()).item(), TOL);
            assertEquals(row0 + row1, Losses.crossEntropy(logits, q, options().reduction(Reduction.SUM).build()).item(), TOL);
            // an empty batch: the mean is NaN, as PyTorch's
            assertTrue(Float.isNaN(Losses.crossEntropy(Tensor.zeros(0, 3), Tensor.zeros(0, 3)).item()));
        }
    }

    @Test
    void binaryCrossEntropyWithWeightAndAtItsClamps() {
        try (Scope scope = Scope.open()) {
            Tensor p = Tensor.of(0.8f, 0.3f);
            Tensor y = Tensor.of(1f, 0f);
            // -ln 0.8 = 0.223144 times 2, -ln 0.7 = 0.356675 times 0.5: sum 0.624625, mean 0.312312
            Tensor w = Tensor.of(2f, 0.5f);
            assertEquals(2 * -Math.log(0.8) + 0.5 * -Math.log(0.7),
                    Losses.binaryCrossEntropy(p, y, w, Reduction.SUM).item(), TOL);
            assertEquals((2 * -Math.log(0.8) + 0.5 * -Math.log(0.7)) / 2,
                    Losses.binaryCrossEntropy(p, y, w, Reduction.MEAN).item(), TOL);
            // a (1) weight broadcasts to every element
            assertEquals(3 * (-Math.log(0.8) - Math.log(0.7)),
                    Losses.binaryCrossEntropy(p, y, Tensor.of(3f), Reduction.SUM).item(), TOL);

            float almostOne = 1f - 0x1p-24f;
            Tensor edges = Tensor.of(0f, Float.MIN_VALUE, 1f, almostOne, 1e-30f).requiresGrad(true);
            Tensor labels = Tensor.of(1f, 1f, 0f, 0f, 1f);
            Tensor loss = Losses.binaryCrossEntropy(edges, labels, Reduction.NONE);
            // log 0 and log(1.4e-45) = -103.28 clamp at -100; -log(2^-24) = 24 ln 2 = 16.635532; -log(1e-30) = 69.07755
            assertArrayEquals(new float[] {100f, 100f, 100f, (float) (24 * LN2), (float) (30 * Math.log(10))},
                    loss.toFloatArray(), 1e-4f);
            F.sum(loss).backward();
            // (p - y) / max(p (1 - p), 1e-12): p = 0 and MIN_VALUE with y = 1: -1 / 1e-12 = -1e12; p = 1, y = 0: 1e12;
            // p = 1 - 2^-24, y = 0: p / (p 2^-24) = 2^24; p = 1e-30, y = 1: -1e12 (p (1 - p) = 1e-30 < 1e-12)
            float[] g = edges.grad().toFloatArray();
            float[] expected = {-1e12f, -1e12f, 1e12f, 0x1p24f, -1e12f};
            for (int i = 0; i < g.length; i++) {
                assertTrue(Float.isFinite(g[i]), "gradient " + i + " = " + g[i]);
                assertEquals(expected[i], g[i], Math.abs(expected[i]) * 1e-6, "gradient " + i);
            }
        }
    }

    @Test
    void bceWithLogitsPosWeightAndWeightMatchHandValues() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {2f, -1f, 0f, 0f}, 2, 2);
            Tensor y = Tensor.of(new float[] {1f, 0.5f, 1f, 0f}, 2, 2);
            Tensor posWeight = Tensor.of(2f, 4f); // per class (the last dimension), broadcast over the batch
            // (1 - y) x + (1 + (pw - 1) y) softplus(-x), softplus(-2) = 0.126928, softplus(1) = 1.313262, softplus(0) = ln 2:
            //   (0, 0): 0 + 2 * 0.126928 = 0.253856;  (0, 1): -0.5 + 2.5 * 1.313262 = 2.783154
            //   (1, 0): 0 + 2 * ln 2 = 1.386294;      (1, 1): 0 + 1 * ln 2 = 0.693147
            double sp2 = Math.log1p(Math.exp(-2)), sp1 = Math.log1p(Math.E);
            float[] expected = {(float) (2 * sp2), (float) (-0.5 + 2.5 * sp1), (float) (2 * LN2), (float) LN2};
            assertArrayEquals(expected, Losses.binaryCrossEntropyWithLogits(x, y, null, posWeight, Reduction.NONE)
                    .toFloatArray(), 1e-5f);
            // weight (2, 1) per sample row, broadcast over classes: rows times 1 and 3
            Tensor w = Tensor.of(new float[] {1f, 3f}, 2, 1);
            double sum = expected[0] + expected[1] + 3 * (expected[2] + expected[3]);
            assertEquals(sum, Losses.binaryCrossEntropyWithLogits(x, y, w, posWeight, Reduction.SUM).item(), 1e-5);
            assertEquals(sum / 4, Losses.binaryCrossEntropyWithLogits(x, y, w, posWeight, Reduction.MEAN).item(), 1e-5);
        }
    }

    @Test
    void klDivWithLogTargetMatchesTheDefinition() {
        try (Scope scope = Scope.open()) {
            float[] p = {0.5f, 0.25f, 0.25f}, q = {0.25f, 0.25f, 0.5f};
            Tensor input = F.log(Tensor.of(q));
            Tensor logTarget = F.log(Tensor.of(p));
            // exp(t) (t - x) = p (ln p - ln q): 0.5 ln 2 + 0 + 0.25 ln 0.5 = 0.25 ln 2 = 0.173287
            assertEquals(0.25 * LN2, Losses.klDiv(input, logTarget, Reduction.SUM, true).item(), 1e-6);
            assertEquals(0.25 * LN2 / 3, Losses.klDiv(input, logTarget, Reduction.MEAN, true).item(), 1e-6);
            assertEquals(Losses.klDiv(input, Tensor.of(p), Reduction.BATCHMEAN).item(),
                    Losses.klDiv(input, logTarget, Reduction.BATCHMEAN, true).item(), 1e-6);
        }
    }

    @Test
    void multiMarginWithPMarginAndWeightMatchesHandValues() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {0.1f, 0.2f, 0.4f, 0.8f}, 1, 4);
            Tensor w = Tensor.of(1f, 1f, 1f, 2f);
            // p = 1, margin 1, w[3] = 2: 2 (0.3 + 0.4 + 0.6) / 4 = 0.65
            assertEquals(0.65, Losses.multiMarginLoss(x, new int[] {3}, 1, 1f, w, Reduction.MEAN).item(), TOL);
            // p = 2, margin 0.5: z = 0.5 - 0.8 + (0.1, 0.2, 0.4) = (-0.2, -0.1, 0.1): 2 * 0.1^2 / 4 = 0.005
            assertEquals(0.005, Losses.multiMarginLoss(x, new int[] {3}, 2, 0.5f, w, Reduction.MEAN).item(), TOL);
            // p = 2, margin 1, no weight: (0.09 + 0.16 + 0.36) / 4 = 0.1525
            assertEquals(0.1525, Losses.multiMarginLoss(x, new int[] {3}, 2, 1f, null, Reduction.SUM).item(), TOL);
            // (C) input with a rank-0 target, target class 0: (1 - 0.1 + 0.2) + 1.3 + 1.7 = 4.1, / 4 = 1.025
            assertEquals(1.025, Losses.multiMarginLoss(Tensor.of(0.1f, 0.2f, 0.4f, 0.8f), Tensor.scalar(0f), 1, 1f, null,
                    Reduction.MEAN).item(), TOL);
        }
    }

    @Test
    void smoothL1AndHuberMatchHandValues() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(0.1f, -0.5f, 2f);
            Tensor y = Tensor.zeros(3);
            // beta 0.5: |d| < 0.5: 0.5 * 0.01 / 0.5 = 0.01; |d| = 0.5: 0.5 - 0.25 = 0.25; 2 - 0.25 = 1.75
            assertArrayEquals(new float[] {0.01f, 0.25f, 1.75f},
                    Losses.smoothL1Loss(x, y, Reduction.NONE, 0.5).toFloatArray(), 1e-6f);
            assertEquals(2.01 / 3, Losses.smoothL1Loss(x, y, Reduction.MEAN, 0.5).item(), TOL);
            // beta 0 is L1: 0.1 + 0.5 + 2 = 2.6
            assertEquals(2.6, Losses.smoothL1Loss(x, y, Reduction.SUM, 0).item(), TOL);
            // default beta 1: 0.005 + 0.125 + 1.5 = 1.63, mean 0.54333
            assertEquals(1.63 / 3, Losses.smoothL1Loss(x, y).item(), TOL);
            // Huber delta 0.5: 0.5 * 0.01 = 0.005; 0.5 (0.5 - 0.25) = 0.125; 0.5 (2 - 0.25) = 0.875
            assertArrayEquals(new float[] {0.005f, 0.125f, 0.875f},
                    Losses.huberLoss(x, y, Reduction.NONE, 0.5).toFloatArray(), 1e-6f);
            // delta 1 equals smooth L1 with beta 1
            assertEquals(Losses.smoothL1Loss(x, y).item(), Losses.huberLoss(x, y).item(), TOL);
        }
    }

    /**
     * PyTorch 2.13's gradients of smooth L1 (beta 0.5) and Huber (delta 2) to float32 rounding (4 ulp), on the
     * reference and on oneDNN, including infinite inputs (the unselected quadratic piece must not send back inf * 0).
     * The constants are {@code F.smooth_l1_loss(x, t, beta=0.5, reduction='none')} and
     * {@code F.huber_loss(x, t, delta=2., reduction='none')} with {@code x.grad} after {@code y.sum().backward()}, and the
     * means over the five finite elements.
     */
    @Test
    void smoothL1AndHuberGradientsArePyTorchsToFloatRounding() {
        float inf = Float.POSITIVE_INFINITY;
        float[] input = {0f, 0.3f, 1f, 2.5f, -4f, inf, -inf};
        float[] target = {0.1f, 0, 0, 0, 0, 0, 0};
        java.util.List<org.jdnn.backend.Backend> backends = new java.util.ArrayList<>();
        backends.add(ReferenceBackend.INSTANCE);
        backends.addAll(org.jdnn.testing.Parity.nativeBackends());
        for (org.jdnn.backend.Backend backend : backends) {
            String on = " on " + backend.name();
            float[][] smooth = lossAndGradient(backend, input, target,
                    (x, t) -> Losses.smoothL1Loss(x, t, Reduction.NONE, 0.5));
            assertUlps(new float[] {0.010000000707805157f, 0.09000000357627869f, 0.75f, 2.25f, 3.75f, inf, inf},
                    smooth[0], "smooth_l1 beta 0.5" + on);
            assertUlps(new float[] {-0.20000000298023224f, 0.6000000238418579f, 1, 1, -1, 1, -1},
                    smooth[1], "smooth_l1 beta 0.5 gradient" + on);
            float[][] huber = lossAndGradient(backend, input, target,
                    (x, t) -> Losses.huberLoss(x, t, Reduction.NONE, 2));
            assertUlps(new float[] {0.005000000353902578f, 0.04500000178813934f, 0.5f, 3, 6, inf, inf},
                    huber[0], "huber delta 2" + on);
            assertUlps(new float[] {-0.10000000149011612f, 0.30000001192092896f, 1, 2, -2, 2, -2},
                    huber[1], "huber delta 2 gradient" + on);
            float[] finite = java.util.Arrays.copyOf(input, 5);
            float[] finiteTarget = java.util.Arrays.copyOf(target, 5);
            float[][] smoothMean = lossAndGradient(backend, finite, finiteTarget,
                    (x, t) -> Losses.smoothL1Loss(x, t, Reduction.MEAN, 0.5));
            assertUlps(new float[] {1.3700000047683716f}, smoothMean[0], "smooth_l1 mean" + on);
            assertUlps(new float[] {-0.04000000283122063f, 0.12000000476837158f, 0.20000000298023224f,
                    0.20000000298023224f, -0.20000000298023224f}, smoothMean[1], "smooth_l1 mean gradient" + on);
            float[][] huberMean = lossAndGradient(backend, finite, finiteTarget,
                    (x, t) -> Losses.huberLoss(x, t, Reduction.MEAN, 2));
            assertUlps(new float[] {1.9100000858306885f}, huberMean[0], "huber mean" + on);
            assertUlps(new float[] {-0.020000001415610313f, 0.06000000238418579f, 0.20000000298023224f,
                    0.4000000059604645f, -0.4000000059604645f}, huberMean[1], "huber mean gradient" + on);
        }
    }

    /** The loss's values and the gradient of their sum with respect to the input, on {@code backend}. */
    private static float[][] lossAndGradient(org.jdnn.backend.Backend backend, float[] input, float[] target,
                                             java.util.function.BinaryOperator<Tensor> loss) {
        return Backends.with(backend, () -> {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.of(input).requiresGrad(true);
                Tensor y = loss.apply(x, Tensor.of(target));
                float[] values = y.toFloatArray();
                F.sum(y).backward();
                return new float[][] {values, x.grad().toFloatArray()};
            }
        });
    }

    /** Element by element within 4 ulp of the expected value; infinities must match exactly. */
    private static void assertUlps(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            boolean ok = Float.isInfinite(e) ? e == a : Math.abs(a - e) <= 4 * Math.ulp(e);
            assertTrue(ok, what + ": element " + i + " = " + a + ", expected " + e + " (4 ulp = " + 4 * Math.ulp(e)
                    + ")");
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        long seed = 20261202L;
        SplittableRandom random = new SplittableRandom(seed);
        Backends.with(ReferenceBackend.INSTANCE, () -> {
            try (Scope scope = Scope.open()) {
                Tensor classes = Tensor.of(new float[] {1, 3, -100, 0, 2, 2}, 2, 3);
                Tensor w4 = Tensor.of(0.5f, 1f, 2f, 1.5f);
                check("cross_entropy spatial weighted smoothed", Tensor.randn(random.nextLong(), 2, 4, 3),
                        x -> Losses.crossEntropy(x, classes, options().weight(w4).labelSmoothing(0.15).build()));
                Tensor twos = Tensor.of(new float[] {1, 3, 2, 0, 2, 2}, 2, 3);
                check("cross_entropy spatial sum ignore 2", Tensor.randn(random.nextLong(), 2, 4, 3),
                        x -> Losses.crossEntropy(x, twos, options().ignoreIndex(2).reduction(Reduction.SUM).build()));
                Tensor q = F.softmax(Tensor.randn(random.nextLong(), 3, 4), 1);
                check("cross_entropy probabilities", Tensor.randn(random.nextLong(), 3, 4),
                        x -> Losses.crossEntropy(x, q, options().weight(w4).labelSmoothing(0.1).build()));
                Tensor labels = Tensor.rand(random.nextLong(), 3, 4);
                check("bce weight", Tensor.uniform(random, 0.1f, 0.9f, 3, 4),
                        p -> Losses.binaryCrossEntropy(p, labels, Tensor.of(1f, 2f, 0.5f, 3f), Reduction.MEAN));
                check("bce target", Tensor.rand(random.nextLong(), 3, 4),
                        t -> Losses.binaryCrossEntropy(Tensor.of(new float[] {0.2f, 0.7f, 0.4f, 0.9f, 0.3f, 0.6f,
                                0.5f, 0.15f, 0.85f, 0.45f, 0.55f, 0.35f}, 3, 4), t, Reduction.SUM));
                check("bce_with_logits pos_weight", Tensor.randn(random.nextLong(), 3, 4),
                        x -> Losses.binaryCrossEntropyWithLogits(x, labels, Tensor.of(new float[] {1f, 2f, 0.5f}, 3, 1),
                                Tensor.of(3f, 0.5f, 1f, 2f), Reduction.MEAN));
                Tensor logTarget = F.logSoftmax(Tensor.randn(random.nextLong(), 3, 4), 1);
                check("kl_div log_target", Tensor.randn(random.nextLong(), 3, 4),
                        x -> Losses.klDiv(x, logTarget, Reduction.BATCHMEAN, true));
                // Scores spread by 0.35 keep every hinge away from its kink at the finite-difference step.
                Tensor scores = Tensor.of(new float[] {0.1f, 1.9f, -0.7f, 0.45f, 2.2f, -0.25f, 0.8f, 1.15f,
                        -1.3f, 0.05f, 0.6f, 3.1f}, 3, 4);
                check("multi_margin p 2 weight", scores,
                        x -> Losses.multiMarginLoss(x, new int[] {1, 3, 0}, 2, 0.9f, w4, Reduction.SUM));
                Tensor target = Tensor.zeros(6);
                Tensor away = Tensor.of(0.2f, -0.3f, 0.9f, -1.4f, 2.5f, -0.05f); // |d| away from beta = 0.6 and 0
                check("smooth_l1 beta 0.6", away, x -> Losses.smoothL1Loss(x, target, Reduction.SUM, 0.6));
                check("huber delta 0.6", away, x -> Losses.huberLoss(x, target, Reduction.MEAN, 0.6));
            }
        });
    }

    private static void check(String name, Tensor input, Function<Tensor, Tensor> loss) {
        Tensor x = input.copy().requiresGrad(true);
        loss.apply(x).backward();
        Tensor grad = x.grad().copy();
        GradientCheck.finiteDifferences(x, grad, () -> {
            try (Scope inner = Scope.open()) {
                return loss.apply(x.detach()).item();
            }
        }, 1e-2, 2e-2, name + " input " + input.shape());
    }

    @Test
    void refusalsNameTheLossAndTheValue() {
        try (Scope scope = Scope.open()) {
            Tensor logits = Tensor.zeros(2, 3);
            Tensor q = Tensor.full(1f / 3, 2, 3);
            assertMessage("cross_entropy", "out of bounds", () -> Losses.crossEntropy(logits, new int[] {0, 3}));
            assertMessage("cross_entropy", "target 7", () -> Losses.crossEntropy(logits, Tensor.ofLongs(7, 0)));
            assertMessage("cross_entropy", "class-probability targets must have the input's dtype",
                    () -> Losses.crossEntropy(logits, Tensor.ofLongs(new long[6], 2, 3)));
            assertMessage("nll_loss", "expected int64", () -> Losses.nllLoss(logits,
                    Tensor.ofBooleans(new boolean[] {true, false}, 2), Reduction.MEAN));
            assertMessage("cross_entropy", "3", () -> Losses.crossEntropy(logits, new int[] {0, 3}));
            assertMessage("cross_entropy", "ignore index 0 is not supported",
                    () -> Losses.crossEntropy(logits, q, options().ignoreIndex(0).build()));
            assertMessage("cross_entropy", "weight must be defined for all 3 classes",
                    () -> Losses.crossEntropy(logits, q, options().weight(Tensor.ones(2)).build()));
            assertMessage("cross_entropy", "weight must be defined for all 3 classes",
                    () -> Losses.crossEntropy(logits, new int[] {0, 1}, options().weight(Tensor.ones(4)).build()));
            assertMessage("cross_entropy", "label smoothing must be in [0, 1]", () -> options().labelSmoothing(-0.1).build());
            assertMessage("cross_entropy", "BATCHMEAN",
                    () -> Losses.crossEntropy(logits, new int[] {0, 1}, options().reduction(Reduction.BATCHMEAN).build()));
            assertMessage("cross_entropy", "1 or more dimensions", () -> Losses.crossEntropy(Tensor.scalar(1f),
                    Tensor.scalar(0f)));
            assertMessage("nll_loss", "label smoothing", () -> Losses.nllLoss(logits, Tensor.of(0f, 1f),
                    options().labelSmoothing(0.1).build()));
            assertMessage("nll_loss", "target 1.5", () -> Losses.nllLoss(logits, Tensor.of(0f, 1.5f), Reduction.MEAN));
            assertMessage("nll_loss", "target -1", () -> Losses.nllLoss(logits, new int[] {-1, 0}));
            assertMessage("binary_cross_entropy", "input 1.5", () -> Losses.binaryCrossEntropy(Tensor.of(1.5f),
                    Tensor.of(1f)));
            assertMessage("binary_cross_entropy", "weight shape [3]", () -> Losses.binaryCrossEntropy(Tensor.of(0.5f, 0.5f),
                    Tensor.of(1f, 0f), Tensor.ones(3), Reduction.MEAN));
            assertMessage("binary_cross_entropy_with_logits", "pos_weight shape [3, 1]",
                    () -> Losses.binaryCrossEntropyWithLogits(logits, Tensor.zeros(2, 3), null, Tensor.ones(3, 1),
                            Reduction.MEAN).item());
            assertMessage("multi_margin_loss", "only p = 1 and p = 2", () -> Losses.multiMarginLoss(logits,
                    new int[] {0, 1}, 3, 1f, null, Reduction.MEAN));
            assertMessage("multi_margin_loss", "out of bounds", () -> Losses.multiMarginLoss(logits,
                    new int[] {0, 5}, 1, 1f, null, Reduction.MEAN));
            assertMessage("multi_margin_loss", "weight must be defined", () -> Losses.multiMarginLoss(logits,
                    new int[] {0, 1}, 1, 1f, Tensor.ones(2), Reduction.MEAN));
            assertMessage("smooth_l1_loss", "beta must be finite and >= 0, got -1.0",
                    () -> Losses.smoothL1Loss(logits, logits, Reduction.MEAN, -1));
            assertMessage("huber_loss", "delta must be finite and > 0, got 0.0",
                    () -> Losses.huberLoss(logits, logits, Reduction.MEAN, 0));
            assertMessage("kl_div", "reduction is null", () -> Losses.klDiv(logits, logits, null, true));
        }
    }

    private static void assertMessage(String loss, String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(loss + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
