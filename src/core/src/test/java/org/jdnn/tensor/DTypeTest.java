package org.jdnn.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensors of every dtype: creation, storage conventions, converting reads, printing, copies across devices. */
class DTypeTest {
    @Test
    void dtypesHaveTorchNamesSizesAndKinds() {
        assertEquals("float64", DType.FLOAT64.toString());
        assertEquals(8, DType.FLOAT64.byteSize());
        assertEquals("int64", DType.INT64.toString());
        assertEquals(8, DType.INT64.byteSize());
        assertEquals("bool", DType.BOOL.toString());
        assertEquals(1, DType.BOOL.byteSize());
        assertTrue(DType.FLOAT32.isFloatingPoint());
        assertTrue(DType.FLOAT64.isFloatingPoint());
        assertTrue(DType.BFLOAT16.isFloatingPoint());
        assertTrue(DType.FLOAT16.isFloatingPoint());
        assertFalse(DType.INT64.isFloatingPoint());
        assertFalse(DType.BOOL.isFloatingPoint());
        assertFalse(DType.INT32.isFloatingPoint());
    }

    @Test
    void longsAreStoredExactlyAndReadInEveryForm() {
        long big = (1L << 53) + 1; // not exact in a double: toLongArray must not go through one
        try (Tensor t = Tensor.ofLongs(new long[] {-3, 0, 7, big, Long.MIN_VALUE, 1}, 2, 3)) {
            assertEquals(DType.INT64, t.dtype());
            assertEquals(Shape.of(2, 3), t.shape());
            assertArrayEquals(new long[] {-3, 0, 7, big, Long.MIN_VALUE, 1}, t.toLongArray());
            assertArrayEquals(new float[] {-3, 0, 7, (float) big, (float) Long.MIN_VALUE, 1}, t.toFloatArray());
            assertArrayEquals(new boolean[] {true, false, true, true, true, true}, t.toBooleanArray());
            assertEquals(big, t.getLong(1, 0));
            assertEquals(7f, t.get(0, 2));
            t.setLong(big + 2, 0, 0);
            assertEquals(big + 2, t.getLong(0, 0));
            t.set(-2.9f, 0, 1); // converted as PyTorch converts: toward zero
            assertEquals(-2, t.getLong(0, 1));
        }
        try (Tensor r = Tensor.ofLongs(4, 5, 6)) {
            assertEquals(Shape.of(3), r.shape());
            assertArrayEquals(new double[] {4, 5, 6}, r.toDoubleArray());
        }
        try (Tensor one = Tensor.ofLongs(new long[] {42})) {
            assertEquals(42L, one.itemLong());
            assertEquals(42f, one.item());
            assertEquals(42.0, one.itemDouble());
        }
    }

    @Test
    void doublesKeepDoublePrecision() {
        double third = 1.0 / 3;
        try (Tensor t = Tensor.ofDoubles(new double[] {third, -2.5, Double.NaN, 1e300}, 4)) {
            assertEquals(DType.FLOAT64, t.dtype());
            assertArrayEquals(new double[] {third, -2.5, Double.NaN, 1e300}, t.toDoubleArray());
            assertArrayEquals(new float[] {(float) third, -2.5f, Float.NaN, Float.POSITIVE_INFINITY}, t.toFloatArray());
            assertArrayEquals(new long[] {0, -2, 0, Long.MAX_VALUE}, t.toLongArray());
            assertEquals(third, t.getDouble(0));
            t.setDouble(Math.PI, 1);
            assertEquals(Math.PI, t.getDouble(1));
        }
        try (Tensor s = Tensor.ofDoubles(new double[] {Math.E})) {
            assertEquals(Math.E, s.itemDouble());
        }
        try (Tensor s = Tensor.ofDoubles(new double[] {Math.E}, new long[0])) {
            assertEquals(0, s.rank());
            assertEquals(Math.E, s.itemDouble());
        }
    }

    @Test
    void boolsAreBytesZeroOrOne() {
        try (Tensor t = Tensor.ofBooleans(new boolean[] {true, false, true, true}, 2, 2)) {
            assertEquals(DType.BOOL, t.dtype());
            assertArrayEquals(new boolean[] {true, false, true, true}, t.toBooleanArray());
            assertArrayEquals(new float[] {1, 0, 1, 1}, t.toFloatArray());
            assertArrayEquals(new long[] {1, 0, 1, 1}, t.toLongArray());
            byte[] bytes = TensorAccess.segment(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertArrayEquals(new byte[] {1, 0, 1, 1}, bytes);
            t.set(5f, 0, 1); // any non-zero is stored as 1
            assertEquals(1, TensorAccess.segment(t).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1));
            t.setBoolean(false, 1, 1);
            assertFalse(t.getBoolean(1, 1));
            t.set(Float.NaN, 1, 0); // NaN is true, as PyTorch's .bool()
            assertTrue(t.getBoolean(1, 0));
        }
        try (Tensor r = Tensor.ofBooleans(false, true)) {
            assertEquals(Shape.of(2), r.shape());
            assertTrue(r.getBoolean(1));
        }
    }

    @Test
    void zerosOnesAndFullTakeADType() {
        try (Scope scope = Scope.open()) {
            assertArrayEquals(new long[] {0, 0, 0}, Tensor.zeros(DType.INT64, 3).toLongArray());
            assertArrayEquals(new long[] {1, 1}, Tensor.ones(DType.INT64, 2).toLongArray());
            assertArrayEquals(new boolean[] {true, true}, Tensor.ones(DType.BOOL, 2).toBooleanArray());
            assertArrayEquals(new boolean[] {false}, Tensor.zeros(DType.BOOL, 1).toBooleanArray());
            assertArrayEquals(new double[] {0.1, 0.1}, Tensor.full(0.1, DType.FLOAT64, 2).toDoubleArray());
            assertArrayEquals(new float[] {0.1f}, Tensor.full(0.1, DType.FLOAT32, 1).toFloatArray());
            assertArrayEquals(new long[] {-7, -7}, Tensor.full(-7.9, DType.INT64, 2).toLongArray());
            Tensor empty = Tensor.empty(Shape.of(0, 3), DType.INT64, Device.CPU);
            assertEquals(0, empty.toLongArray().length);
            assertEquals(DType.INT64, Tensor.zeros(DType.INT64, Device.SIM, 2).dtype());
        }
    }

    @Test
    void creationChecksTheValueCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofLongs(new long[] {1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("Tensor.ofLongs: 3 values do not fill shape [2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofDoubles(new double[] {1}, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofBooleans(new boolean[] {true}, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.empty(Shape.of(2), null, Device.CPU));
    }

    @Test
    void itemAndGetConvert() {
        try (Tensor f = Tensor.of(2.75f); Tensor b = Tensor.ofBooleans(true)) {
            assertEquals(2L, f.itemLong());
            assertEquals(2.75, f.itemDouble());
            assertTrue(f.itemBoolean());
            assertEquals(1f, b.item());
            assertEquals(1L, b.itemLong());
        }
        try (Tensor two = Tensor.ofLongs(1, 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, two::itemLong);
            assertTrue(e.getMessage().contains("has 2 elements, not 1"), e.getMessage());
        }
    }

    @Test
    void printingShowsIntegersBoolsAndTheDType() {
        try (Tensor i = Tensor.ofLongs(new long[] {3, -1, 1234567890123L, 0}, 2, 2);
             Tensor b = Tensor.ofBooleans(true, false);
             Tensor d = Tensor.ofDoubles(0.5, -1.25);
             Tensor s = Tensor.ofLongs(new long[] {9}, new long[0])) {
            assertEquals("Tensor(shape=[2, 2], dtype=int64, device=cpu)\n[[3, -1],\n [1234567890123, 0]]", i.toString());
            assertEquals("Tensor(shape=[2], dtype=bool, device=cpu)\n[True, False]", b.toString());
            assertEquals("Tensor(shape=[2], dtype=float64, device=cpu)\n[0.5000, -1.2500]", d.toString());
            assertTrue(s.toString().endsWith("\n9"), s.toString());
        }
    }

    @Test
    void copiesKeepTheDType() {
        try (Scope scope = Scope.open()) {
            Tensor longs = Tensor.ofLongs(new long[] {1L << 40, -5, 6}, 3);
            Tensor view = longs.reshape(1, 3);
            assertEquals(DType.INT64, view.dtype());
            assertArrayEquals(longs.toLongArray(), view.toLongArray());
            Tensor copy = longs.copy();
            assertEquals(DType.INT64, copy.dtype());
            assertArrayEquals(longs.toLongArray(), copy.toLongArray());
            assertEquals(DType.INT64, longs.detach().dtype());
            Tensor target = Tensor.zeros(DType.INT64, 3).copyFrom(longs);
            assertArrayEquals(longs.toLongArray(), target.toLongArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(3).copyFrom(longs));
            assertTrue(e.getMessage().contains("copyFrom: source has dtype int64, this tensor float32"), e.getMessage());
        }
    }

    @Test
    void deviceTensorsOfEveryDTypeAreReadByCountedCopies() {
        try (Scope scope = Scope.open()) {
            Tensor longs = Tensor.ofLongs(new long[] {1L << 40, -5, 6}, 3);
            Tensor bools = Tensor.ofBooleans(true, false, true);
            Tensor doubles = Tensor.ofDoubles(1.0 / 3, 2, 3);
            Transfers.Counts before = Transfers.counts();
            Tensor l = longs.to(Device.SIM);
            Tensor b = bools.to(Device.SIM);
            Tensor d = doubles.to(Device.SIM);
            assertEquals(DType.INT64, l.dtype());
            assertEquals(3, Transfers.counts().since(before).hostToDevice());
            assertEquals(24 + 3 + 24, Transfers.counts().since(before).hostToDeviceBytes());
            assertThrows(IllegalStateException.class, () -> TensorAccess.segment(l));

            Transfers.Counts read = Transfers.counts();
            assertArrayEquals(longs.toLongArray(), l.toLongArray());
            assertArrayEquals(bools.toBooleanArray(), b.toBooleanArray());
            assertArrayEquals(doubles.toDoubleArray(), d.toDoubleArray());
            assertEquals(-5L, l.getLong(1));
            assertEquals(4, Transfers.counts().since(read).deviceToHost());

            l.setLong(77, 2);
            assertEquals(77L, l.to(Device.CPU).getLong(2));
            assertTrue(l.toString().contains("[1099511627776, -5, 77]"), l.toString());

            Tensor ones = Tensor.ones(DType.INT64, Device.SIM, 2);
            Tensor half = Tensor.full(0.5, DType.FLOAT64, Device.SIM, 2);
            Transfers.Counts fills = Transfers.counts();
            Tensor zeros = Tensor.zeros(DType.BOOL, Device.SIM, 4);
            assertEquals(0, Transfers.counts().since(fills).hostToDevice(), "a fill makes no copy");
            assertArrayEquals(new long[] {1, 1}, ones.toLongArray());
            assertArrayEquals(new double[] {0.5, 0.5}, half.toDoubleArray());
            assertArrayEquals(new boolean[4], zeros.toBooleanArray());
        }
    }

    @Test
    void reservedDTypesHoldTheirElements() {
        try (Scope scope = Scope.open()) {
            Tensor bf = Tensor.full(1.5, DType.BFLOAT16, 2);
            assertEquals(2 * 2, TensorAccess.segment(bf).byteSize());
            assertArrayEquals(new float[] {1.5f, 1.5f}, bf.toFloatArray());
            Tensor half = Tensor.full(-0.25, DType.FLOAT16, 1);
            assertEquals(-0.25f, half.item());
            Tensor ints = Tensor.full(-3, DType.INT32, 2);
            assertArrayEquals(new long[] {-3, -3}, ints.toLongArray());
            Tensor rounded = Tensor.full(1.00390625, DType.BFLOAT16, 1); // 1 + 2^-8: halfway, to even
            assertEquals(1f, rounded.item());
        }
    }
}
