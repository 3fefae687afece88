package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The element-wise math functions' closed forms, on the reference and on oneDNN: PyTorch's values and derivatives at
 * the kinks (abs and clamp at their bounds, pow's exponent 0 and base 0, the tie of maximum), the numerics of the
 * tails (softplus, logSigmoid at +-100, log1p/expm1 near 0) and the special values. The expected numbers are worked by
 * hand (PyTorch's formulas in derivatives.yaml); the op matrix compares every backend with the reference beyond them.
 */
class ElementwiseMathTest {
    private static final float INF = Float.POSITIVE_INFINITY;
    private static final float NAN = Float.NaN;

    private static List<Backend> backends() {
        return List.of(ReferenceBackend.INSTANCE, Parity.onednn("eltwise"));
    }

    /** f(x) and d sum(f(x)) / dx on {@code backend}: values then gradients. */
    private static float[][] valueAndGradient(Backend backend, Function<Tensor, Tensor> f, float... x) {
        return Backends.with(backend, () -> {
            try (Scope scope = Scope.open()) {
                Tensor t = Tensor.of(x).requiresGrad(true);
                Tensor y = f.apply(t);
                float[] values = y.toFloatArray();
                F.sum(y).backward();
                return new float[][] {values, t.grad().toFloatArray()};
            }
        });
    }

    /** Element by element: NaN where NaN is expected, the same infinity, else within {@code rtol} relative. */
    private static void assertClose(float[] expected, float[] actual, double rtol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            boolean ok = Float.isNaN(e) ? Float.isNaN(a)
                    : Float.isInfinite(e) ? e == a
                    : Math.abs(a - e) <= rtol * Math.abs(e) + Float.MIN_VALUE;
            if (!ok) {
                fail(what + ": element " + i + " = " + a + ", expected " + e);
            }
        }
    }

    private static void check(String name, Function<Tensor, Tensor> f, float[] x, float[] values, float[] gradients) {
        for (Backend backend : backends()) {
            float[][] r = valueAndGradient(backend, f, x);
            assertClose(values, r[0], 2e-7, name + " on " + backend.name());
            assertClose(gradients, r[1], 2e-7, name + "'s gradient on " + backend.name());
        }
    }

    @Test
    void absHasGradientZeroAtZero() {
        check("abs", F::abs, new float[] {-2f, 0f, -0f, 3f, NAN}, new float[] {2f, 0f, 0f, 3f, NAN},
                new float[] {-1f, 0f, 0f, 1f, 0f});
    }

    @Test
    void clampPassesTheGradientAtItsBoundsAndHardtanhDoesNot() {
        float[] x = {-2f, -1f, -0.5f, 1f, 2f, NAN};
        check("clamp", t -> F.clamp(t, -1f, 1f), x, new float[] {-1f, -1f, -0.5f, 1f, 1f, NAN},
                new float[] {0f, 1f, 1f, 1f, 0f, 0f});
        check("clampMin", t -> F.clampMin(t, -1f), x, new float[] {-1f, -1f, -0.5f, 1f, 2f, NAN},
                new float[] {0f, 1f, 1f, 1f, 1f, 0f});
        check("clampMax", t -> t.clampMax(1f), x, new float[] {-2f, -1f, -0.5f, 1f, 1f, NAN},
                new float[] {1f, 1f, 1f, 1f, 0f, 0f});
        check("clamp with min > max", t -> F.clamp(t, 1f, -1f), x, new float[] {-1f, -1f, -1f, -1f, -1f, NAN},
                new float[] {0f, 0f, 0f, 0f, 0f, 0f});
        // hardtanh_backward: 0 at and beyond the bounds, the gradient at NaN (no comparison holds).
        check("hardtanh", F::hardtanh, x, new float[] {-1f, -1f, -0.5f, 1f, 1f, NAN},
                new float[] {0f, 0f, 1f, 0f, 0f, 1f});
        var e = assertThrows(IllegalArgumentException.class, () -> F.clamp(Tensor.of(1f), NAN, 1f));
        assertTrue(e.getMessage().contains("CLAMP") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> F.hardtanh(Tensor.of(1f), 2f, 1f));
        assertTrue(e.getMessage().contains("HARDTANH") && e.getMessage().contains("min_val 2.0"), e.getMessage());
    }

    @Test
    void powFollowsPyTorchAtExponentZeroAndBaseZero() {
        float[] x = {0f, 2f, -3f, NAN};
        check("x^0", t -> F.pow(t, 0f), x, new float[] {1f, 1f, 1f, 1f}, new float[] {0f, 0f, 0f, 0f});
        check("x^1", t -> t.pow(1f), x, new float[] {0f, 2f, -3f, NAN}, new float[] {1f, 1f, 1f, 1f}); // NaN^0 = 1
        check("x^2", t -> t.pow(2f), x, new float[] {0f, 4f, 9f, NAN}, new float[] {0f, 4f, -6f, NAN});
        check("x^0.5", t -> t.pow(0.5f), x, new float[] {0f, 1.4142135f, NAN, NAN},
                new float[] {INF, 0.35355338f, NAN, NAN});
        check("x^-1", t -> t.pow(-1f), x, new float[] {INF, 0.5f, -0.33333334f, NAN},
                new float[] {-INF, -0.25f, -0.11111111f, NAN});
        // 1^NaN is 1, as C's pow (Java's Math.pow says NaN).
        check("1^x", t -> F.pow(1f, t), new float[] {NAN, INF, 2f}, new float[] {1f, 1f, 1f}, new float[] {0f, 0f, 0f});
        // 0^b: 0 for b > 0, 1 at b = 0, +Inf below; d/db = 0 where b >= 0, else 0^b log 0 = Inf * -Inf = -Inf.
        check("0^x", t -> F.pow(0f, t), new float[] {2f, 0f, -1f}, new float[] {0f, 1f, INF},
                new float[] {0f, 0f, -INF});
        check("2^x", t -> F.pow(2f, t), new float[] {3f, -1f}, new float[] {8f, 0.5f},
                new float[] {5.5451774f, 0.34657359f});
    }

    @Test
    void powOfTwoTensorsBroadcastsAndSumsItsGradients() {
        for (Backend backend : backends()) {
            Backends.with(backend, () -> {
                try (Scope scope = Scope.open()) {
                    Tensor a = Tensor.of(new float[] {2f, 0f, -8f, 3f}, 2, 2).requiresGrad(true);
                    Tensor b = Tensor.of(3f, 0.5f).requiresGrad(true);
                    Tensor y = a.pow(b);
                    // [[2^3, 0^0.5], [(-8)^3, 3^0.5]]
                    assertClose(new float[] {8f, 0f, -512f, 1.7320508f}, y.toFloatArray(), 2e-7, backend.name());
                    F.sum(y).backward();
                    // d/da = b a^(b-1): 12, 0.5 * 0^-0.5 = Inf, 3 * 64 = 192, 0.5 / sqrt(3)
                    assertClose(new float[] {12f, INF, 192f, 0.28867513f}, a.grad().toFloatArray(), 2e-7,
                            backend.name() + " d/da");
                    // d/db = a^b log a, 0 where a = 0 and b >= 0: 8 ln 2 + (-512) log(-8) = NaN; 0 + sqrt(3) ln 3
                    assertClose(new float[] {NAN, 1.9028523f}, b.grad().toFloatArray(), 2e-7, backend.name() + " d/db");
                }
            });
        }
    }

    @Test
    void aScalarBaseLivesOnTheExponentsDevice() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(3f, -1f).to(Device.SIM).requiresGrad(true);
            Tensor y = F.pow(2f, x);
            assertEquals(Device.SIM, y.device());
            assertClose(new float[] {8f, 0.5f}, y.toFloatArray(), 2e-7, "2^x on sim");
            F.sum(y).backward();
            assertClose(new float[] {5.5451774f, 0.34657359f}, x.grad().toFloatArray(), 2e-7, "d 2^x / dx on sim");
        }
    }

    @Test
    void maximumAndMinimumSplitTheGradientAtTies() {
        BiFunction<Tensor, Tensor, Tensor>[] ops = new BiFunction[] {(x, y) -> F.maximum((Tensor) x, (Tensor) y),
                (x, y) -> F.minimum((Tensor) x, (Tensor) y)};
        float[][] expectedA = {{0.5f, 0f, 1f, 1f}, {0.5f, 1f, 0f, 1f}};
        float[][] expectedB = {{0.5f, 1f, 0f, 1f}, {0.5f, 0f, 1f, 1f}};
        for (Backend backend : backends()) {
            for (int k = 0; k < 2; k++) {
                int op = k;
                Backends.with(backend, () -> {
                    try (Scope scope = Scope.open()) {
                        Tensor a = Tensor.of(1f, 2f, 5f, NAN).requiresGrad(true);
                        Tensor b = Tensor.of(1f, 3f, 4f, 0f).requiresGrad(true);
                        F.sum(ops[op].apply(a, b)).backward();
                        // NaN: no comparison holds, so both take the gradient, as PyTorch's masked_fill.
                        assertClose(expectedA[op], a.grad().toFloatArray(), 0, backend.name() + " a, op " + op);
                        assertClose(expectedB[op], b.grad().toFloatArray(), 0, backend.name() + " b, op " + op);
                    }
                });
            }
        }
    }

    @Test
    void softplusUsesTheThresholdAndKeepsItsLeftTail() {
        // log1p(exp(x)): exp(-20) = 2.0611536e-9; exp(-87) = 1.6458115e-38; exp(-100) = 3.72e-44, the denormal 27
        // MIN_VALUE (3.7835e-44); exp(-104) = 6.8e-46 rounds to 0.
        float[] x = {-20f, -87f, -100f, -104f, 0f, 20f, 20.5f};
        check("softplus", t -> F.softplus(t, 1f), x,
                new float[] {2.0611537e-9f, 1.6458115e-38f, 27 * Float.MIN_VALUE, 0f, 0.6931472f, 20f, 20.5f},
                new float[] {2.0611537e-9f, 1.6458115e-38f, 27 * Float.MIN_VALUE, 0f, 0.5f, 1f, 1f});
        // threshold 1, beta 2: x = 0.25 is below it (log1p(e^0.5) / 2 = 0.4870385), 0.75 above (linear).
        check("softplus beta 2 threshold 1", t -> F.softplus(t, 2f, 1f), new float[] {0.25f, 0.5f, 0.75f},
                new float[] {0.48703849f, 0.65663084f, 0.75f}, new float[] {0.62245935f, 0.7310586f, 1f});
    }

    @Test
    void logSigmoidIsStableForLargeMagnitudes() {
        check("logSigmoid", F::logSigmoid, new float[] {-100f, 100f, 0f, -INF, INF, NAN},
                new float[] {-100f, -27 * Float.MIN_VALUE, -0.6931472f, -INF, 0f, NAN},
                new float[] {1f, 27 * Float.MIN_VALUE, 0.5f, 1f, 0f, NAN});
    }

    @Test
    void log1pAndExpm1AreAccurateNearZero() {
        float[] x = {1e-10f, -1e-10f, 1e-30f, 0f};
        check("log1p", F::log1p, x, x.clone(), new float[] {1f, 1f, 1f, 1f});
        check("expm1", F::expm1, x, x.clone(), new float[] {1f, 1f, 1f, 1f});
        check("log1p at -1 and below", Tensor::log1p, new float[] {-1f, -2f}, new float[] {-INF, NAN},
                new float[] {INF, -1f});
    }

    @Test
    void logSqrtRsqrtAndExpAtTheirEdges() {
        check("log", Tensor::log, new float[] {0f, -1f, 1f, INF}, new float[] {-INF, NAN, 0f, INF},
                new float[] {INF, -1f, 1f, 0f});
        check("sqrt", Tensor::sqrt, new float[] {0f, 4f, -1f, INF}, new float[] {0f, 2f, NAN, INF},
                new float[] {INF, 0.25f, NAN, 0f});
        check("rsqrt", Tensor::rsqrt, new float[] {0f, 4f, -1f}, new float[] {INF, 0.5f, NAN},
                new float[] {-INF, -0.0625f, NAN});
        check("exp", Tensor::exp, new float[] {0f, -INF, INF, 89f, -104f}, new float[] {1f, 0f, INF, INF, 0f},
                new float[] {1f, 0f, INF, INF, 0f});
    }

    @Test
    void siluSinAndCos() {
        // silu(1) = sigmoid(1) = 0.7310586; its derivative s (1 + x (1 - s)) = 0.9276705; PyTorch's NaN at -Inf.
        check("silu", Tensor::silu, new float[] {1f, 0f, -INF, INF}, new float[] {0.7310586f, 0f, NAN, INF},
                new float[] {0.92767054f, 0.5f, NAN, NAN});
        check("sin", Tensor::sin, new float[] {0f, 1f, INF}, new float[] {0f, 0.84147098f, NAN},
                new float[] {1f, 0.54030231f, NAN});
        check("cos", Tensor::cos, new float[] {0f, 1f, INF}, new float[] {1f, 0.54030231f, NAN},
                new float[] {0f, -0.84147098f, NAN});
    }

    @Test
    void leakyReluScalesTheGradientAtNaNOnEveryBackend() {
        check("leaky relu", t -> F.leakyRelu(t, 0.1f), new float[] {NAN, -2f, 3f}, new float[] {NAN, -0.2f, 3f},
                new float[] {0.1f, 0.1f, 1f});
    }
}
