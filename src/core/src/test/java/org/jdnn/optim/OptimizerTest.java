package org.jdnn.optim;

import org.jdnn.autograd.F;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Optimizers' first steps against the formulas written out by hand (float32 parameters, bound 1e-6 absolute
 * on values of order 1), weight decay coupled vs decoupled, param groups, clipping, state dict round trips
 * (bit-identical continuation) and argument validation. Gradients are set exactly with
 * {@code loss = sum(p * g)}, whose gradient is g.
 */
class OptimizerTest {
    private static final double TOL = 1e-6;

    /** Runs backward of sum(p * g) after zeroing, so that p.grad() == g. */
    private static void setGrad(Tensor p, float... g) {
        if (p.grad() != null) {
            p.grad().fill(0f);
        }
        try (Scope scope = Scope.open()) {
            F.sum(F.mul(p, Tensor.of(g, p.dims()))).backward();
        }
    }

    private static Tensor param(float... values) {
        return Tensor.of(values).requiresGrad(true);
    }

    private static void assertValues(double[] expected, Tensor actual, String context) {
        float[] a = actual.toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], a[i], TOL, context + " element " + i);
        }
    }

    @Test
    void plainSgdIsGradientDescent() {
        try (Tensor p = param(1f, -2f); SGD sgd = new SGD(List.of(p), SgdParams.of(0.1))) {
            setGrad(p, 0.5f, -1f);
            sgd.step();
            assertValues(new double[] {1 - 0.05, -2 + 0.1}, p, "p1 = p0 - lr g");
        }
    }

    @Test
    void sgdMomentumDampeningAndWeightDecayFollowPyTorch() {
        double lr = 0.1, mu = 0.9, damp = 0.3, wd = 0.01;
        try (Tensor p = param(1f); SGD sgd = new SGD(List.of(p), new SgdParams(lr, mu, damp, false, wd))) {
            double w = 1, g1 = 0.5, g2 = -0.2;
            setGrad(p, (float) g1);
            sgd.step();
            double d1 = g1 + wd * w;                  // L2 added to the gradient
            double buf = d1;                          // first step: buffer = d, no dampening
            w -= lr * buf;
            assertValues(new double[] {w}, p, "step 1");
            setGrad(p, (float) g2);
            sgd.step();
            double d2 = g2 + wd * w;
            buf = mu * buf + (1 - damp) * d2;
            w -= lr * buf;
            assertValues(new double[] {w}, p, "step 2");
        }
    }

    @Test
    void nesterovMomentumLooksAhead() {
        double lr = 0.05, mu = 0.9;
        try (Tensor p = param(2f, -1f); SGD sgd = new SGD(List.of(p), SgdParams.of(lr).withMomentum(mu, true))) {
            double[] w = {2, -1};
            double[][] grads = {{1, 0.5}, {-0.5, 2}, {0.25, 0.25}};
            double[] buf = new double[2];
            for (int t = 0; t < grads.length; t++) {
                setGrad(p, (float) grads[t][0], (float) grads[t][1]);
                sgd.step();
                for (int i = 0; i < 2; i++) {
                    buf[i] = t == 0 ? grads[t][i] : mu * buf[i] + grads[t][i];
                    w[i] -= lr * (grads[t][i] + mu * buf[i]);
                }
                assertValues(w, p, "nesterov step " + (t + 1));
            }
        }
    }

    @Test
    void adamFirstStepMovesEachWeightByLrTimesSignOfGradient() {
        double lr = 1e-3;
        try (Tensor p = param(0.5f, -0.5f, 2f, 0f); Adam adam = new Adam(List.of(p), AdamParams.adam(lr))) {
            setGrad(p, 3f, -0.001f, -50f, 1e-3f);
            adam.step();
            // t = 1: mHat = g, vHat = g^2, so the step is lr g / (|g| + eps) = lr sign(g) (eps is negligible here).
            assertValues(new double[] {0.5 - lr, -0.5 + lr, 2 + lr, -lr}, p, "adam t=1");
        }
    }

    @Test
    void adamSecondStepUsesBiasCorrectedMoments() {
        double lr = 0.01, b1 = 0.8, b2 = 0.9, eps = 1e-8;
        AdamParams h = new AdamParams(lr, b1, b2, eps, 0, false);
        try (Tensor p = param(1f); Adam adam = new Adam(List.of(p), h)) {
            double w = 1, m = 0, v = 0;
            double[] g = {0.4, -1.2};
            for (int t = 1; t <= 2; t++) {
                setGrad(p, (float) g[t - 1]);
                adam.step();
                m = b1 * m + (1 - b1) * g[t - 1];
                v = b2 * v + (1 - b2) * g[t - 1] * g[t - 1];
                double mHat = m / (1 - Math.pow(b1, t));
                double vHat = v / (1 - Math.pow(b2, t));
                w -= lr * mHat / (Math.sqrt(vHat) + eps);
                assertValues(new double[] {w}, p, "adam t=" + t);
            }
        }
    }

    @Test
    void adagradFollowsItsFormulaWithLearningRateDecay() {
        double lr = 0.5, decay = 0.1, eps = 1e-10, init = 0.2;
        try (Tensor p = param(1f, 3f);
             Adagrad opt = new Adagrad(List.of(p), new AdagradParams(lr, decay, 0, init, eps))) {
            double[] w = {1, 3};
            double[] sum = {init, init};
            double[][] grads = {{0.5, -2}, {1, 0.25}};
            for (int t = 1; t <= 2; t++) {
                setGrad(p, (float) grads[t - 1][0], (float) grads[t - 1][1]);
                opt.step();
                double clr = lr / (1 + (t - 1) * decay);
                for (int i = 0; i < 2; i++) {
                    double g = grads[t - 1][i];
                    sum[i] += g * g;
                    w[i] -= clr * g / (Math.sqrt(sum[i]) + eps);
                }
                assertValues(w, p, "adagrad t=" + t);
            }
        }
    }

    @Test
    void rmspropPlainCenteredAndWithMomentumFollowTheirFormulas() {
        double lr = 0.01, a = 0.9, eps = 1e-8, mu = 0.5;
        for (boolean centered : new boolean[] {false, true}) {
            for (double momentum : new double[] {0, mu}) {
                RmspropParams h = new RmspropParams(lr, a, eps, 0, momentum, centered);
                try (Tensor p = param(1f); RMSprop opt = new RMSprop(List.of(p), h)) {
                    double w = 1, sq = 0, ga = 0, buf = 0;
                    double[] grads = {2, -0.5, 1};
                    for (int t = 0; t < grads.length; t++) {
                        double g = grads[t];
                        setGrad(p, (float) g);
                        opt.step();
                        sq = a * sq + (1 - a) * g * g;
                        double avg;
                        if (centered) {
                            ga = a * ga + (1 - a) * g;
                            avg = Math.sqrt(sq - ga * ga) + eps;
                        } else {
                            avg = Math.sqrt(sq) + eps;
                        }
                        if (momentum > 0) {
                            buf = momentum * buf + g / avg;
                            w -= lr * buf;
                        } else {
                            w -= lr * g / avg;
                        }
                        assertEquals(w, p.toFloatArray()[0], 1e-5,
                                "rmsprop centered=" + centered + " momentum=" + momentum + " step " + (t + 1));
                    }
                }
            }
        }
    }

    /**
     * Weight decay in the optimizer vs an L2 term {@code wd/2 |w|^2} in the loss: the same for SGD (coupled or
     * decoupled, the update is p - lr (g + wd p)), the same for Adam (whose decay is that L2 term), different for
     * AdamW, whose decoupled decay is not rescaled by the adaptive denominator.
     */
    @Test
    void decoupledWeightDecayDiffersFromL2OnlyForAdaptiveMethods() {
        double wd = 0.1, lr = 0.05;
        float[] start = {1.5f, -0.75f, 0.3f};
        float[] target = {0.2f, 0.4f, -0.1f};
        float[] sgdDecay = train(start, target, 0, p -> new SGD(List.of(p), SgdParams.of(lr).withWeightDecay(wd)));
        float[] sgdL2 = train(start, target, wd, p -> new SGD(List.of(p), SgdParams.of(lr)));
        assertArrayEquals(sgdL2, sgdDecay, 1e-6f, "SGD: weight decay == L2 in the loss");

        float[] adamDecay = train(start, target, 0, p -> new Adam(List.of(p), AdamParams.adam(lr).withWeightDecay(wd)));
        float[] adamL2 = train(start, target, wd, p -> new Adam(List.of(p), AdamParams.adam(lr)));
        assertArrayEquals(adamL2, adamDecay, 1e-5f, "Adam: its weight decay is an L2 term");

        float[] adamW = train(start, target, 0, p -> new AdamW(List.of(p), AdamParams.adamW(lr).withWeightDecay(wd)));
        double largest = 0;
        for (int i = 0; i < start.length; i++) {
            largest = Math.max(largest, Math.abs(adamW[i] - adamL2[i]));
        }
        assertTrue(largest > 1e-3, "AdamW must differ from Adam + L2, max difference " + largest);
    }

    @Test
    void adamWShrinksTheWeightBeforeTheAdamStep() {
        double lr = 0.1, wd = 0.5;
        try (Tensor p = param(2f); AdamW opt = new AdamW(List.of(p), AdamParams.adamW(lr).withWeightDecay(wd))) {
            setGrad(p, 0.3f);
            opt.step();
            // w = 2 (1 - lr wd) - lr sign(g)
            assertValues(new double[] {2 * (1 - lr * wd) - lr}, p, "adamw t=1");
        }
    }

    /** 10 steps on 0.5 |p - target|^2 + l2/2 |p|^2 from {@code start}; returns p. */
    private static float[] train(float[] start, float[] target, double l2, Function<Tensor, Optimizer> make) {
        try (Tensor p = Tensor.of(start).requiresGrad(true); Optimizer opt = make.apply(p)) {
            for (int i = 0; i < 10; i++) {
                opt.zeroGrad();
                try (Scope scope = Scope.open()) {
                    Tensor loss = F.mul(F.sum(F.square(F.sub(p, Tensor.of(target)))), 0.5f);
                    if (l2 > 0) {
                        loss = F.add(loss, F.mul(F.sum(F.square(p)), (float) (l2 / 2)));
                    }
                    loss.backward();
                }
                opt.step();
            }
            return p.toFloatArray();
        }
    }

    @Test
    void paramGroupsHaveTheirOwnLearningRates() {
        try (Tensor a = param(1f); Tensor b = param(1f);
             SGD sgd = new SGD(SgdParams.of(0.1), List.of(ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b), 0.01)))) {
            setGrad(a, 1f);
            setGrad(b, 1f);
            sgd.step();
            assertValues(new double[] {0.9}, a, "default group");
            assertValues(new double[] {0.99}, b, "own lr");
            sgd.setLr(0.5);
            assertEquals(0.5, sgd.paramGroups().get(1).lr());
        }
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        try (Tensor a = param(1f); Tensor b = param(2f); Adam adam = new Adam(List.of(a, b), AdamParams.adam(0.1))) {
            setGrad(a, 1f);
            adam.step();
            assertValues(new double[] {2}, b, "no grad, no update");
            try (StateDict dict = adam.stateDict()) {
                assertEquals(0.0, dict.values().getOrDefault("state.1.step", 0.0));
                assertEquals(1.0, dict.values().get("state.0.step"));
            }
        }
    }

    @Test
    void clipGradNormScalesAllGradientsTogether() {
        try (Tensor a = param(0f, 0f); Tensor b = param(0f)) {
            setGrad(a, 3f, 4f);
            setGrad(b, 12f);
            double total = ClipGrad.clipGradNorm(List.of(a, b), 6.5, 2);
            assertEquals(13, total, 1e-5);
            double factor = 6.5 / (13 + 1e-6);
            assertValues(new double[] {3 * factor, 4 * factor}, a.grad(), "clipped a");
            assertValues(new double[] {12 * factor}, b.grad(), "clipped b");
            // Under the limit nothing changes.
            assertEquals(6.5, ClipGrad.clipGradNorm(List.of(a, b), 100, 2), 1e-5);
            assertValues(new double[] {12 * factor}, b.grad(), "unchanged");
            // Infinity norm: the largest absolute element.
            setGrad(b, -8f);
            assertEquals(8, ClipGrad.clipGradNorm(List.of(a, b), 2, Double.POSITIVE_INFINITY), 1e-6);
            assertValues(new double[] {-2}, b.grad(), "inf-norm clipped");
            assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(List.of(a), 1, 1));
        }
    }

    @Test
    void clipGradValueClampsEachElement() {
        try (Tensor a = param(0f, 0f, 0f, 0f)) {
            setGrad(a, -3f, 0.5f, 2f, -0.25f);
            ClipGrad.clipGradValue(List.of(a), 1);
            assertArrayEquals(new float[] {-1f, 0.5f, 1f, -0.25f}, a.grad().toFloatArray());
        }
    }

    /** Trains 4 steps, checkpoints, then compares 4 more steps of the original with a fresh optimizer resumed. */
    @Test
    void aResumedOptimizerContinuesIdentically() {
        List<Function<Tensor, Optimizer>> makers = List.of(
                p -> new SGD(List.of(p), SgdParams.of(0.05).withMomentum(0.9, true).withWeightDecay(0.01)),
                p -> new Adagrad(List.of(p), new AdagradParams(0.1, 0.01, 0.001, 0.1, 1e-10)),
                p -> new RMSprop(List.of(p), RmspropParams.of(0.01).withMomentum(0.5).withCentered(true)),
                p -> new Adam(List.of(p), AdamParams.adam(0.05).withWeightDecay(0.01)),
                p -> new AdamW(List.of(p), AdamParams.adamW(0.05)));
        float[] target = {0.3f, -0.2f, 0.9f};
        for (Function<Tensor, Optimizer> make : makers) {
            try (Tensor p = Tensor.of(1f, 2f, -1f).requiresGrad(true); Optimizer original = make.apply(p)) {
                steps(original, p, target, 4);
                try (StateDict checkpoint = original.stateDict();
                     Tensor q = Tensor.of(p.toFloatArray()).requiresGrad(true);
                     Optimizer resumed = make.apply(q)) {
                    resumed.loadStateDict(checkpoint);
                    steps(original, p, target, 4);
                    steps(resumed, q, target, 4);
                    assertArrayEquals(p.toFloatArray(), q.toFloatArray(), original.name() + " resumed");
                }
            }
        }
    }

    private static void steps(Optimizer opt, Tensor p, float[] target, int n) {
        for (int i = 0; i < n; i++) {
            opt.zeroGrad();
            try (Scope scope = Scope.open()) {
                F.sum(F.square(F.sub(p, Tensor.of(target)))).backward();
            }
            opt.step();
        }
    }

    @Test
    void stateDictHoldsStepsBuffersAndHyperParameters() {
        try (Tensor p = param(1f, 2f); Adam adam = new Adam(List.of(p), AdamParams.adam(0.01))) {
            setGrad(p, 1f, 1f);
            adam.step();
            adam.step();
            try (StateDict dict = adam.stateDict()) {
                assertEquals(2.0, dict.values().get("state.0.step"));
                assertEquals(0.01, dict.values().get("param_groups.0.lr"));
                assertEquals(0.9, dict.values().get("hyper.beta1"));
                assertEquals(List.of(2L), List.of(dict.tensors().get("state.0.exp_avg").size(0)));
                try (Tensor other = param(1f); Tensor another = param(2f, 3f);
                     Adam mismatched = new Adam(List.of(other, another), AdamParams.adam(0.01))) {
                    assertThrows(IllegalArgumentException.class, () -> mismatched.loadStateDict(dict));
                }
                try (Tensor q = param(1f, 2f); SGD sgd = new SGD(List.of(q), SgdParams.of(0.1))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(dict));
                    assertTrue(e.getMessage().startsWith("sgd:"), e.getMessage());
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheOptimizersName() {
        try (Scope scope = Scope.open()) {
            Tensor p = param(1f);
            Tensor made = F.mul(p, 2f);
            assertMessage("sgd", () -> new SGD(List.of(made), SgdParams.of(0.1)));
            assertMessage("adam", () -> new Adam(List.of(p, p), AdamParams.adam(0.1)));
            assertMessage("sgd", () -> SgdParams.of(-1));
            assertMessage("sgd", () -> new SgdParams(0.1, 0, 0, true, 0));
            assertMessage("adam", () -> AdamParams.adam(0.1).withBetas(1.0, 0.9));
            assertMessage("rmsprop", () -> new RmspropParams(0.1, 1.5, 1e-8, 0, 0, false));
            assertMessage("lbfgs", () -> new LBFGS(List.of(p), LBFGS.Options.defaults(LBFGS.LineSearch.NONE)).step());
            assertMessage("adagrad", () -> new Adagrad(AdagradParams.of(0.1), List.of()));
        }
    }

    private static void assertMessage(String name, org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException, e.toString());
        assertTrue(e.getMessage().startsWith(name + ":"), e.getMessage());
    }
}
