package org.jdnn.nn.init;

import org.jdnn.natives.HostMemory;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Initialisers: PyTorch's gain table and fan rule exactly, and the statistics of the drawn values on tensors
 * large enough (>= 250k values) that the sample standard deviation is within 1% of the true one with
 * overwhelming probability; the test allows 5% (std) and checks that uniform draws respect their bound.
 */
class InitTest {

    @Test
    void gainsFollowPyTorchsTable() {
        assertEquals(1.0, Init.calculateGain(Nonlinearity.LINEAR));
        assertEquals(1.0, Init.calculateGain(Nonlinearity.CONV2D));
        assertEquals(1.0, Init.calculateGain(Nonlinearity.SIGMOID));
        assertEquals(5.0 / 3, Init.calculateGain(Nonlinearity.TANH));
        assertEquals(Math.sqrt(2), Init.calculateGain(Nonlinearity.RELU));
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain(Nonlinearity.LEAKY_RELU), 1e-15, "default slope 0.01");
        assertEquals(Math.sqrt(2 / (1 + 0.2 * 0.2)), Init.calculateGain("leaky_relu", 0.2), 1e-15);
        assertEquals(Math.sqrt(1.0 / 3), Init.calculateGain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15, "a = sqrt(5)");
        assertEquals(0.75, Init.calculateGain(Nonlinearity.SELU));
        assertEquals(Nonlinearity.CONV_TRANSPOSE2D, Nonlinearity.of("conv_transpose2d"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish", 0));
        assertTrue(e.getMessage().contains("'swish'"), e.getMessage());
    }

    @Test
    void fansFollowPyTorchsRule() {
        assertEquals(new Fans(400, 300), Fans.of(Shape.of(300, 400)), "Linear (out, in)");
        assertEquals(new Fans(4 * 9, 32 * 9), Fans.of(Shape.of(32, 4, 3, 3)), "Conv2d (out, in/groups, k, k)");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fans.of(Shape.of(5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void kaimingNormalHasStdGainOverSqrtFan() {
        try (Tensor w = Tensor.empty(512, 64, 3, 3)) { // fanIn 576, fanOut 4608, 295k values
            Init.kaimingNormal(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, 1);
            assertStats(w.toFloatArray(), 0, Math.sqrt(2.0 / 576), "kaiming normal fan_in relu, seed 1, [512, 64, 3, 3]");
            Init.kaimingNormal(w, 0.2, FanMode.FAN_OUT, Nonlinearity.LEAKY_RELU, 2);
            assertStats(w.toFloatArray(), 0, Math.sqrt(2.0 / (1 + 0.04)) / Math.sqrt(4608),
                    "kaiming normal fan_out leaky_relu(0.2), seed 2");
        }
    }

    @Test
    void kaimingAndXavierUniformRespectTheirBounds() {
        try (Tensor w = Tensor.empty(600, 500)) {
            double kaimingBound = Math.sqrt(3) * Math.sqrt(2) / Math.sqrt(500);
            Init.kaimingUniform(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, 3);
            assertBounded(w.toFloatArray(), kaimingBound, "kaiming uniform relu, seed 3, [600, 500]");
            double xavierBound = 1.5 * Math.sqrt(6.0 / (500 + 600));
            Init.xavierUniform(w, 1.5, 4);
            assertBounded(w.toFloatArray(), xavierBound, "xavier uniform gain 1.5, seed 4, [600, 500]");
            Init.xavierNormal(w, 1.0, 5);
            assertStats(w.toFloatArray(), 0, Math.sqrt(2.0 / 1100), "xavier normal, seed 5, [600, 500]");
        }
    }

    @Test
    void plainDistributionsConstantsAndSeeds() {
        try (Tensor a = Tensor.empty(500, 500); Tensor b = Tensor.empty(500, 500)) {
            assertSame(a, Init.normal(a, 2, 0.5, 6), "in place, returns its argument");
            assertStats(a.toFloatArray(), 2, 0.5, "normal(2, 0.5), seed 6");
            Init.normal(b, 2, 0.5, new SplittableRandom(6));
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "a seed and a generator from it agree");
            Init.uniform(a, -1, 3, 7);
            assertStats(a.toFloatArray(), 1, 4 / Math.sqrt(12), "uniform(-1, 3), seed 7");
            for (float v : a.toFloatArray()) {
                assertTrue(v >= -1 && v < 3, "uniform(-1, 3) drew " + v);
            }
        }
        try (Tensor t = Tensor.empty(2, 3)) {
            assertArrayEquals(new float[6], Init.zeros(t).toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, Init.ones(t).toFloatArray());
            assertArrayEquals(new float[] {.5f, .5f, .5f, .5f, .5f, .5f}, Init.constant(t, .5f).toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> Init.normal(t, 0, -1, 1));
            assertThrows(IllegalArgumentException.class, () -> Init.uniform(t, 1, 0, 1));
        }
        try (Tensor vector = Tensor.empty(5); Tensor none = Tensor.empty(0, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Init.kaimingUniform(vector, new SplittableRandom(1)));
            assertTrue(e.getMessage().contains("rank >= 2") && e.getMessage().contains("[5]"), e.getMessage());
            assertSame(none, Init.kaimingNormal(none, new SplittableRandom(1)), "zero elements: a no-op, as PyTorch");
        }
    }

    @Test
    void inPlaceInitialisationFreesItsViews() {
        try (Tensor w = Tensor.empty(64, 64)) {
            Init.xavierUniform(w, 1, 8);
            long live = HostMemory.stats().liveBytes();
            for (int i = 0; i < 5; i++) {
                Init.xavierUniform(w, 1, 8 + i);
            }
            assertTrue(HostMemory.stats().liveBytes() <= live, "initialising in place leaked native memory");
        }
    }

    private static void assertStats(float[] values, double mean, double std, String context) {
        double sum = 0, sq = 0;
        for (float v : values) {
            sum += v;
        }
        double m = sum / values.length;
        for (float v : values) {
            sq += (v - m) * (v - m);
        }
        double s = Math.sqrt(sq / (values.length - 1));
        assertEquals(mean, m, 0.05 * std, context + ": mean");
        assertEquals(std, s, 0.05 * std, context + ": std " + s + " vs " + std);
    }

    /** Within +-bound, filling it (max |v| near the bound), with the uniform's std bound / sqrt(3). */
    private static void assertBounded(float[] values, double bound, String context) {
        float max = 0;
        for (float v : values) {
            assertTrue(Math.abs(v) <= bound, context + ": " + v + " outside +-" + bound);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.99 * bound, context + ": max |v| " + max + " should approach the bound " + bound);
        assertStats(values, 0, bound / Math.sqrt(3), context);
    }
}
