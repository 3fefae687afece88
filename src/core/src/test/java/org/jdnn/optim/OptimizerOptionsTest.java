package org.jdnn.optim;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adam's amsgrad and maximize, SGD's maximize, and the numerics of PyTorch's float32 Adam: every constant computed in
 * double before it meets float data. The oracle is PyTorch's {@code _single_tensor_adam} written out below, one
 * float-rounded operation at a time; the kernels follow it to float rounding for 20 steps, while the same algorithm with
 * its constants computed in float (what the oneDNN kernel did before) drifts an order of magnitude further (about 100
 * ulps against at most 8 for the double reference and 0 for oneDNN's float loop). State dicts
 * round-trip bit for bit and a reloaded optimizer's next step equals the original's bit for bit.
 */
class OptimizerOptionsTest {
    private static final int N = 64;
    private static final int STEPS = 20;
    private static final float FLOOR = 1f / 16;

    /** Runs backward of sum(p * g) after zeroing, so that p.grad() == g exactly. */
    private static void setGrad(Tensor p, float[] g) {
        if (p.grad() != null) {
            p.grad().fill(0f);
        }
        try (Scope scope = Scope.open()) {
            F.sum(F.mul(p, Tensor.of(g, p.dims()))).backward();
        }
    }

    /** The seeded problem: start values near 0 (so that an ulp is small) and 20 gradients of changing scale. */
    private static float[] start() {
        SplittableRandom r = new SplittableRandom(16);
        float[] p = new float[N];
        for (int i = 0; i < N; i++) {
            p[i] = (float) (1e-3 * r.nextGaussian());
        }
        return p;
    }

    private static float[][] gradients() {
        SplittableRandom r = new SplittableRandom(7);
        float[][] g = new float[STEPS][N];
        for (int t = 0; t < STEPS; t++) {
            double scale = t % 5 == 2 ? 3 : 0.3; // large every fifth step, so amsgrad's maximum matters
            for (int i = 0; i < N; i++) {
                g[t][i] = (float) (scale * r.nextGaussian());
            }
        }
        return g;
    }

    private static float f(double x) {
        return (float) x;
    }

    /**
     * PyTorch's float32 Adam ({@code torch/optim/adam.py, _single_tensor_adam}, and AdamW's decoupled decay), each
     * tensor operation rounded to float; the Python scalars (1 - beta1, 1 - beta2, the bias corrections, the step size)
     * are doubles rounded once where they meet a tensor. With {@code floatConstants} the scalars are instead computed
     * from float betas, as the old kernel did: {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2} in float.
     */
    private static float[] pytorchAdam(AdamParams h, float[] p0, float[][] grads, boolean floatConstants) {
        float[] p = p0.clone();
        float[] m = new float[N];
        float[] v = new float[N];
        float[] vMax = new float[N];
        for (int t = 1; t <= grads.length; t++) {
            double bc1 = 1 - Math.pow(h.beta1(), t);
            double bc2 = 1 - Math.pow(h.beta2(), t);
            for (int i = 0; i < N; i++) {
                float g = grads[t - 1][i];
                if (h.maximize()) {
                    g = -g;                                                    // grad = -grad
                }
                if (h.decoupled()) {
                    p[i] = f(p[i] * f(1 - h.lr() * h.weightDecay()));         // param.mul_(1 - lr * wd)
                } else if (h.weightDecay() != 0) {
                    g = f(g + f(f(h.weightDecay()) * p[i]));                  // grad.add(param, alpha=wd)
                }
                if (floatConstants) {
                    float b1 = f(h.beta1()), b2 = f(h.beta2());
                    m[i] = f(f(b1 * m[i]) + f((1f - b1) * g));
                    v[i] = f(f(b2 * v[i]) + f(f((1f - b2) * g) * g));
                } else {
                    m[i] = f(m[i] + f(f(1 - h.beta1()) * f(g - m[i])));       // exp_avg.lerp_(grad, 1 - beta1)
                    v[i] = f(f(f(h.beta2()) * v[i]) + f(f(f(1 - h.beta2()) * g) * g)); // mul_(b2).addcmul_(g, g, 1 - b2)
                }
                float second = v[i];
                if (h.amsgrad()) {
                    vMax[i] = Math.max(vMax[i], v[i]);                         // torch.maximum(max_exp_avg_sq, v)
                    second = vMax[i];
                }
                float denom = f(f(f(Math.sqrt(second)) / f(Math.sqrt(bc2))) + f(h.eps())); // sqrt / bc2_sqrt + eps
                p[i] = f(p[i] + f(f(f(-(h.lr() / bc1)) * m[i]) / denom));   // addcdiv_(m, denom, -step_size)
            }
        }
        return p;
    }

    private static float[] runAdam(Backend backend, AdamParams h, float[] p0, float[][] grads) {
        return Backends.with(backend, () -> {
            try (Tensor p = Tensor.of(p0).requiresGrad(true);
                 Adam adam = h.decoupled() ? new AdamW(List.of(p), h) : new Adam(List.of(p), h)) {
                for (float[] g : grads) {
                    setGrad(p, g);
                    adam.step();
                }
                return p.toFloatArray();
            }
        });
    }

    /** The largest difference in units in the last place of {@code expected}'s elements. */
    private static double maxUlps(float[] expected, float[] actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]) / Math.ulp(Math.max(Math.abs(expected[i]), FLOOR)));
        }
        return worst;
    }

    @Test
    void twentyAdamStepsFollowPyTorchsFloat32AlgorithmWhileFloatConstantsDrift() {
        float[] p0 = start();
        float[][] grads = gradients();
        List<AdamParams> variants = List.of(AdamParams.adam(0.01), AdamParams.adam(0.01).withWeightDecay(0.1),
                AdamParams.adam(0.01).withAmsgrad(true), AdamParams.adamW(0.01).withAmsgrad(true).withMaximize(true));
        // Ulps of max(|p|, 1/16) (the parameters end within about 0.3 of 0): the reference, in double, stays within a
        // few; oneDNN's float loop is PyTorch's order of operations and matches bit for bit; float constants drift ~100.
        double bound = 12;
        for (AdamParams h : variants) {
            float[] expected = pytorchAdam(h, p0, grads, false);
            double drift = maxUlps(expected, pytorchAdam(h, p0, grads, true));
            assertTrue(drift > 5 * bound, h + ": constants computed in float drift by only " + drift + " ulps");
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Backends.defaultBackend())) {
                double error = maxUlps(expected, runAdam(backend, h, p0, grads));
                assertTrue(error <= bound, h + " on " + backend.name() + ": " + error + " ulps from PyTorch's float32"
                        + " Adam (constants in float would be " + drift + " ulps off)");
                if (backend.name().equals("onednn")) {
                    assertEquals(0.0, error, h + ": oneDNN's loop is PyTorch's float32 algorithm, bit for bit");
                }
            }
        }
    }

    @Test
    void amsgradDividesByTheLargestSecondMomentSoFar() {
        double lr = 0.1, b1 = 0.9, b2 = 0.999;
        AdamParams h = AdamParams.adam(lr).withAmsgrad(true).withEps(0);
        try (Tensor p = Tensor.of(0f).requiresGrad(true); Adam adam = new Adam(List.of(p), h)) {
            setGrad(p, new float[] {2f});
            adam.step();
            setGrad(p, new float[] {0f});
            adam.step();
            // v1 = 0.001 * 4, v2 = 0.999 v1 < v1: the maximum v1 stays in the denominator.
            double m1 = 0.2, m2 = b1 * m1;
            double v1 = 0.004;
            double w = -lr * (m1 / (1 - b1)) / Math.sqrt(v1 / (1 - b2));
            w -= lr * (m2 / (1 - b1 * b1)) / (Math.sqrt(v1) / Math.sqrt(1 - b2 * b2));
            assertEquals(w, p.item(), 1e-6);
            try (StateDict dict = adam.stateDict()) {
                assertEquals(0.004, dict.tensor("test", "state.0.max_exp_avg_sq").item(), 1e-9);
                assertEquals(1.0, dict.value("test", "hyper.amsgrad"));
            }
        }
    }

    /** maximize is minimising with the gradient negated, weight decay and momentum included: bit for bit. */
    @Test
    void maximizeEqualsDescentOnTheNegatedGradient() {
        List<Function<Boolean, Function<Tensor, Optimizer>>> makers = List.of(
                max -> p -> new SGD(List.of(p), new SgdParams(0.05, 0.9, 0, true, 0.01, max)),
                max -> p -> new SGD(List.of(p), new SgdParams(0.05, 0.8, 0.3, false, 0.02, max)),
                max -> p -> new Adam(List.of(p), AdamParams.adam(0.05).withWeightDecay(0.01).withMaximize(max)),
                max -> p -> new AdamW(List.of(p), AdamParams.adamW(0.05).withAmsgrad(true).withMaximize(max)));
        float[][] grads = gradients();
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Backends.defaultBackend())) {
            for (Function<Boolean, Function<Tensor, Optimizer>> make : makers) {
                Backends.with(backend, () -> {
                    try (Tensor up = Tensor.of(start()).requiresGrad(true);
                         Tensor down = Tensor.of(start()).requiresGrad(true);
                         Optimizer ascent = make.apply(true).apply(up);
                         Optimizer descent = make.apply(false).apply(down)) {
                        for (int t = 0; t < 5; t++) {
                            float[] negated = grads[t].clone();
                            for (int i = 0; i < N; i++) {
                                negated[i] = -negated[i];
                            }
                            setGrad(up, grads[t]);
                            setGrad(down, negated);
                            ascent.step();
                            descent.step();
                        }
                        assertArrayEquals(down.toFloatArray(), up.toFloatArray(), ascent.name() + " on "
                                + backend.name());
                        try (StateDict dict = ascent.stateDict()) {
                            assertEquals(1.0, dict.value("test", "hyper.maximize"));
                        }
                    }
                });
            }
        }
    }

    /**
     * A state dict loaded into a fresh optimizer gives back the same state dict, bit for bit (tensors and numbers), and
     * the next step from the reloaded state equals the original's next step bit for bit.
     */
    @Test
    void stateDictsRoundTripBitForBit() {
        List<Function<Tensor, Optimizer>> makers = List.of(
                p -> new SGD(List.of(p), SgdParams.of(0.05).withMomentum(0.9, false).withDampening(0.1)),
                p -> new SGD(List.of(p), new SgdParams(0.05, 0.9, 0, true, 0.01, true)),
                p -> new Adam(List.of(p), AdamParams.adam(0.05).withAmsgrad(true).withWeightDecay(0.01)),
                p -> new AdamW(List.of(p), AdamParams.adamW(0.05).withAmsgrad(true).withMaximize(true)));
        float[][] grads = gradients();
        for (Function<Tensor, Optimizer> make : makers) {
            try (Tensor p = Tensor.of(start()).requiresGrad(true); Optimizer original = make.apply(p)) {
                for (int t = 0; t < 3; t++) {
                    setGrad(p, grads[t]);
                    original.step();
                }
                try (StateDict saved = original.stateDict();
                     Tensor q = Tensor.of(p.toFloatArray()).requiresGrad(true);
                     Optimizer reloaded = make.apply(q)) {
                    reloaded.loadStateDict(saved);
                    try (StateDict again = reloaded.stateDict()) {
                        assertBitIdentical(saved, again, original.name());
                    }
                    setGrad(p, grads[3]);
                    setGrad(q, grads[3]);
                    original.step();
                    reloaded.step();
                    assertArrayEquals(bits(p), bits(q), original.name() + ": next step after reload");
                }
            }
        }
    }

    static void assertBitIdentical(StateDict expected, StateDict actual, String context) {
        assertEquals(expected.values().keySet(), actual.values().keySet(), context + ": value keys");
        for (Map.Entry<String, Double> e : expected.values().entrySet()) {
            assertEquals(Double.doubleToRawLongBits(e.getValue()),
                    Double.doubleToRawLongBits(actual.values().get(e.getKey())), context + ": " + e.getKey());
        }
        assertEquals(expected.tensors().keySet(), actual.tensors().keySet(), context + ": tensor keys");
        for (Map.Entry<String, Tensor> e : expected.tensors().entrySet()) {
            Tensor other = actual.tensors().get(e.getKey());
            assertNotNull(other, context + ": " + e.getKey());
            assertEquals(e.getValue().shape(), other.shape(), context + ": " + e.getKey());
            assertArrayEquals(bits(e.getValue()), bits(other), context + ": " + e.getKey());
        }
    }

    static int[] bits(Tensor t) {
        float[] values = t.toFloatArray();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
