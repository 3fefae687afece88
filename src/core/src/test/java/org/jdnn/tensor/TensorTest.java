package org.jdnn.tensor;

import org.jdnn.natives.HostMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensor creation, reading, views and lifetimes. */
class TensorTest {

    @Test
    void valuesRoundTripThroughNativeMemory() {
        float[] data = {1, 2, 3, 4, 5, 6};
        try (Tensor t = Tensor.of(data, 2, 3)) {
            assertEquals(Shape.of(2, 3), t.shape());
            assertEquals(6, t.numel());
            assertEquals(DType.FLOAT32, t.dtype());
            assertEquals(Device.CPU, t.device());
            assertArrayEquals(data, t.toFloatArray());
            assertEquals(6f, t.get(1, 2));
            t.set(-1f, 0, 1);
            assertEquals(-1f, t.get(0, 1));
        }
    }

    @Test
    void constantFactoriesFillEveryElement() {
        try (Scope scope = Scope.open()) {
            assertArrayEquals(new float[6], Tensor.zeros(2, 3).toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 1}, Tensor.ones(4).toFloatArray());
            assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 1, 2).toFloatArray());
            assertEquals(7f, Tensor.scalar(7f).item());
        }
    }

    @Test
    void seededRandomTensorsAreReproducible() {
        try (Scope scope = Scope.open()) {
            assertArrayEquals(Tensor.randn(42, 100).toFloatArray(), Tensor.randn(42, 100).toFloatArray());
            assertFalse(java.util.Arrays.equals(Tensor.randn(42, 100).toFloatArray(), Tensor.randn(43, 100).toFloatArray()));
            float[] uniform = Tensor.rand(5, 1000).toFloatArray();
            double mean = 0;
            for (float v : uniform) {
                assertTrue(v >= 0 && v < 1, "rand value " + v);
                mean += v / uniform.length;
            }
            assertEquals(0.5, mean, 0.05);
            float[] normal = Tensor.randn(9, 10_000).toFloatArray();
            double m = 0, sq = 0;
            for (float v : normal) {
                m += v;
                sq += v * v;
            }
            m /= normal.length;
            assertEquals(0, m, 0.05);
            assertEquals(1, sq / normal.length - m * m, 0.05);
        }
    }

    @Test
    void wrongDataLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5 values") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    }

    @Test
    void reshapeIsAViewThatSharesStorage() {
        try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3); Tensor v = t.reshape(3, -1)) {
            assertEquals(Shape.of(3, 2), v.shape());
            v.set(60f, 2, 1);
            assertEquals(60f, t.get(1, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
            assertTrue(e.getMessage().contains("reshape") && e.getMessage().contains("[4, 2]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
        }
    }

    @Test
    void aViewKeepsTheStorageAliveAfterTheOriginalIsClosed() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 4);
        Tensor v = t.reshape(2, 2);
        t.close();
        assertArrayEquals(new float[] {1, 2, 3, 4}, v.toFloatArray());
        v.close();
    }

    @Test
    void useAfterCloseThrowsInsteadOfTouchingFreedMemory() {
        Tensor t = Tensor.ones(3);
        t.close();
        t.close(); // idempotent
        assertTrue(t.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.get(0));
        assertThrows(IllegalStateException.class, () -> t.reshape(3));
        assertThrows(IllegalStateException.class, t::copy);
        assertTrue(t.toString().contains("closed"));
    }

    @Test
    void aScopeClosesWhatWasCreatedInsideItExceptWhatIsKept() {
        Tensor inside;
        Tensor kept;
        try (Scope scope = Scope.open()) {
            inside = Tensor.zeros(10);
            kept = scope.keep(Tensor.ones(2));
            assertEquals(1, scope.size());
        }
        assertTrue(inside.isClosed());
        assertFalse(kept.isClosed());
        kept.close();
    }

    @Test
    void nestedScopesHandKeptTensorsToTheirParent() {
        Tensor kept;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                kept = inner.keep(Tensor.ones(2));
            }
            assertFalse(kept.isClosed());
            assertEquals(1, outer.size());
        }
        assertTrue(kept.isClosed());
    }

    @Test
    void scopesMustCloseInnermostFirst() {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void closingTensorsReturnsTheirMemory() {
        long live = HostMemory.stats().liveBytes();
        try (Scope scope = Scope.open()) {
            for (int i = 0; i < 100; i++) {
                Tensor.zeros(1000);
            }
            assertEquals(100, scope.size());
        }
        // <=, not ==: the cleaner thread may meanwhile free tensors other tests forgot to close.
        assertTrue(HostMemory.stats().liveBytes() <= live);
    }

    @Test
    void toStringShowsShapeAndAPreview() {
        try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10)) {
            String s = t.toString();
            assertTrue(s.startsWith("Tensor(shape=[10], dtype=float32, device=cpu)"), s);
            assertTrue(s.contains("1.0000, 2.0000, 3.0000, ..., 8.0000, 9.0000, 10.0000"), s);
        }
        try (Tensor t = Tensor.zeros(2, 2)) {
            assertTrue(t.toString().contains("[[0.0000, 0.0000],\n [0.0000, 0.0000]]"), t.toString());
        }
    }

    @Test
    void copyIsIndependent() {
        try (Tensor t = Tensor.ones(3); Tensor c = t.copy()) {
            c.set(5f, 0);
            assertEquals(1f, t.get(0));
            assertNotEquals(t.get(0), c.get(0));
        }
    }

    /** torch.arange's values and dtypes: int64 for integer arguments, float32 for floating ones (PyTorch 2.13). */
    @Test
    void arangeFollowsTorchArange() {
        try (Scope ignored = Scope.open()) {
            Tensor five = Tensor.arange(5);
            assertEquals(DType.INT64, five.dtype());
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, five.toLongArray());
            assertArrayEquals(new long[] {2, -1, -4}, Tensor.arange(2, -7, -3).toLongArray());
            Tensor tenths = Tensor.arange(0, 1, 0.1);
            assertEquals(DType.FLOAT32, tenths.dtype());
            // torch.arange(0, 1, 0.1): ten values, each start + i * step rounded once to float32
            assertArrayEquals(new float[] {0f, 0.10000000149011612f, 0.20000000298023224f, 0.30000001192092896f,
                0.4000000059604645f, 0.5f, 0.6000000238418579f, 0.699999988079071f, 0.800000011920929f,
                0.8999999761581421f}, tenths.toFloatArray(), 0f);
            assertArrayEquals(new float[] {1f, 1.5f, 2f}, Tensor.arange(1.0, 2.5, 0.5).toFloatArray(), 0f);
            assertArrayEquals(new float[] {-1f, -0.30000001192092896f}, Tensor.arange(-1, 0.3, 0.7).toFloatArray(), 0f);
            assertEquals(Shape.of(0), Tensor.arange(3, 3, 1).shape());
            IllegalArgumentException wrongSide = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.arange(0, 3, -1));
            assertTrue(wrongSide.getMessage().startsWith("Tensor.arange: end 3.0 is on the wrong side of start 0.0"),
                    wrongSide.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 3, 0));
            assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, Double.NaN, 1));
        }
    }

    @Test
    void zerosOnesAndFullLikeKeepShapeDTypeAndDevice() {
        try (Scope ignored = Scope.open()) {
            Tensor labels = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor zeros = Tensor.zerosLike(labels);
            assertEquals(DType.INT64, zeros.dtype());
            assertEquals(Shape.of(2, 3), zeros.shape());
            assertArrayEquals(new long[6], zeros.toLongArray());
            assertArrayEquals(new double[] {1, 1}, Tensor.onesLike(Tensor.ofDoubles(3, 4)).toDoubleArray(), 0);
            Tensor onSim = Tensor.fullLike(Tensor.zeros(Device.SIM, 2), 2.5);
            assertEquals(Device.SIM, onSim.device());
            assertArrayEquals(new float[] {2.5f, 2.5f}, onSim.toFloatArray(), 0f);
        }
    }
}
