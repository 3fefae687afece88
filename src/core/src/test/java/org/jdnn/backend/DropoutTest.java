package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.DropoutParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dropout: the mask comes from the seed alone, so both backends give bit-identical results (the multiply by
 * 0 or 1/(1-p) is one IEEE float operation on each); backward reuses the mask; inference is the identity.
 */
class DropoutTest {

    @Test
    void sameSeedSameMaskOnEveryBackend() {
        OneDnnBackend onednn = Parity.onednn("binary");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(3, 4, 5, 6);
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
                DropoutParams params = new DropoutParams(p, true, 1234);
                Tensor ref = Backends.with(ReferenceBackend.INSTANCE, () -> F.dropout(x, params));
                long before = onednn.nativeExecutions("binary");
                Tensor native_ = Backends.with(onednn, () -> F.dropout(x, params));
                assertTrue(onednn.nativeExecutions("binary") > before, "oneDNN multiply did not run");
                assertArrayEquals(ref.toFloatArray(), native_.toFloatArray(), "p " + p);
                Tensor again = Backends.with(onednn, () -> F.dropout(x, params));
                assertArrayEquals(native_.toFloatArray(), again.toFloatArray(), "same seed, p " + p);
            }
        }
    }

    @Test
    void keepsAboutOneMinusPScaled() {
        try (Scope scope = Scope.open()) {
            long n = 20_000;
            float p = 0.3f;
            Tensor mask = Functional.dropoutMask(new DropoutParams(p, true, 99), Shape.of(n));
            long kept = 0;
            for (float v : mask.toFloatArray()) {
                if (v != 0f) {
                    assertEquals(1f / (1f - p), v);
                    kept++;
                } else {
                    assertEquals(0f, v);
                }
            }
            // Binomial(n, 0.7): standard deviation ~65; allow 5 sigma.
            assertEquals(0.7 * n, kept, 5 * Math.sqrt(n * 0.21), "kept count");
            Tensor other = Functional.dropoutMask(new DropoutParams(p, true, 100), Shape.of(n));
            assertFalse(java.util.Arrays.equals(mask.toFloatArray(), other.toFloatArray()), "different seeds, same mask");
        }
    }

    @Test
    void backwardUsesTheForwardMask() {
        try (Scope scope = Scope.open()) {
            DropoutParams params = new DropoutParams(0.4f, true, 7);
            Tensor x = Tensor.randn(1, 8, 9);
            Tensor gradOut = Tensor.randn(2, 8, 9);
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("binary"))) {
                Tensor y = Backends.with(backend, () -> F.dropout(x, params));
                Tensor gradIn = Backends.with(backend, () -> Functional.dropoutBackward(gradOut, params));
                float[] xs = x.toFloatArray(), ys = y.toFloatArray(), g = gradOut.toFloatArray(), gi = gradIn.toFloatArray();
                for (int i = 0; i < xs.length; i++) {
                    boolean kept = ys[i] != 0f;
                    assertEquals(kept ? xs[i] / 0.6f : 0f, ys[i], 1e-6f * Math.abs(xs[i]) / 0.6f, backend.name() + " y[" + i + "]");
                    assertEquals(kept ? g[i] / 0.6f : 0f, gi[i], 1e-6f * Math.abs(g[i]) / 0.6f, backend.name() + " grad[" + i + "]");
                }
            }
        }
    }

    @Test
    void inferenceIsTheIdentity() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(5, 3, 4);
            DropoutParams eval = new DropoutParams(0.5f, false, 1);
            assertArrayEquals(x.toFloatArray(), F.dropout(x, eval).toFloatArray());
            assertArrayEquals(x.toFloatArray(), Functional.dropoutBackward(x, eval).toFloatArray());
        }
    }

    @Test
    void rejectsBadArguments() {
        for (float p : new float[] {-0.1f, 1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DropoutParams(p, true, 0));
            assertTrue(e.getMessage().startsWith("dropout: p must be in [0, 1), got"), e.getMessage());
        }
        Tensor closed = Tensor.randn(1, 3);
        closed.close();
        assertThrows(IllegalStateException.class, () -> F.dropout(closed, new DropoutParams(0.5f, true, 0)));
        assertThrows(IllegalStateException.class, () -> F.dropout(closed, new DropoutParams(0.5f, false, 0)));
    }
}
