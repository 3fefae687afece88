package org.jdnn.autograd;

import org.jdnn.Jdnn;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Autocast#bf16()}: inside it a convolution and a linear layer on oneDNN read bf16 operands (an error of bf16's
 * size against float32) and equal the reference's emulation (operands rounded to bf16, sums in double), forward and
 * backward; outside it, and inside a nested {@link Autocast#fp32()}, nothing changes; on a CPU treated as lacking bf16
 * the region runs float32 and says so.
 */
class AutocastTest {
    private static final String UNSUPPORTED = "jdnn.bf16.unsupported";

    /** Forward output and the three gradients of a seeded LeNet-sized conv2d (sum of squares as the loss). */
    private static float[][] convStep() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 4, 6, 12, 12).requiresGrad(true);
            Tensor w = Tensor.randn(2, 16, 6, 5, 5).requiresGrad(true);
            Tensor b = Tensor.randn(3, 16).requiresGrad(true);
            Tensor y = F.conv2d(x, w, b, Conv2dParams.of(1, 2));
            y.mul(y).sum().backward();
            return new float[][] {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray(),
                    b.grad().toFloatArray()};
        }
    }

    /** Forward output and the three gradients of a seeded linear layer (sum of squares as the loss). */
    private static float[][] linearStep() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(4, 32, 100).requiresGrad(true);
            Tensor w = Tensor.randn(5, 10, 100).requiresGrad(true);
            Tensor b = Tensor.randn(6, 10).requiresGrad(true);
            Tensor y = F.linear(x, w, b);
            y.mul(y).sum().backward();
            return new float[][] {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray(),
                    b.grad().toFloatArray()};
        }
    }

    private static <T> T on(String backend, Supplier<T> body) {
        Backend b = Backends.get(backend);
        return Backends.with(b, body);
    }

    private static <T> T inBf16(Supplier<T> body) {
        try (Autocast bf16 = Autocast.bf16()) {
            assertEquals(Precision.BF16, bf16.precision(), "this CPU backend runs bf16");
            return body.get();
        }
    }

    /** max |a - b| / max |b|: the error relative to the tensor's scale. */
    private static double relativeError(float[] a, float[] b) {
        double err = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return err / scale;
    }

    private static void assumeOneDnnBf16() {
        assumeTrue(Backends.unavailableReason(Backends.ONEDNN).isEmpty(), "oneDNN is not available");
        assumeTrue(Backends.get(Backends.ONEDNN).runsBf16(), "this CPU lacks AVX-512-BF16/AMX");
    }

    private static final String[] NAMES = {"output", "input grad", "weight grad", "bias grad"};

    /**
     * bf16 against float32: every multiplied result is off by bf16's rounding (8 significant bits: 2^-9 relative per
     * operand, much less after summing many products with random signs), more than float32's but far under 5%; the
     * bias gradient sums the output gradient, itself computed from bf16 products. The emulation agrees within float32
     * summation error.
     */
    private static void assertBf16(float[][] fp32, float[][] bf16, float[][] emulated) {
        for (int i = 0; i < fp32.length; i++) {
            double vsFp32 = relativeError(bf16[i], fp32[i]);
            assertTrue(vsFp32 > 1e-5 && vsFp32 < 5e-2, NAMES[i] + ": bf16 vs fp32 relative error " + vsFp32
                    + ", expected bf16-sized (1e-5, 5e-2)");
            double vsEmulation = relativeError(bf16[i], emulated[i]);
            assertTrue(vsEmulation < 2e-6, NAMES[i] + ": oneDNN bf16 vs reference emulation relative error "
                    + vsEmulation + ", expected < 2e-6");
        }
    }

    @Test
    void convolutionInsideTheScopeReadsBf16AndEqualsTheEmulation() {
        assumeOneDnnBf16();
        float[][] fp32 = on(Backends.ONEDNN, AutocastTest::convStep);
        float[][] bf16 = on(Backends.ONEDNN, () -> inBf16(AutocastTest::convStep));
        float[][] emulated = on(Backends.REFERENCE, () -> inBf16(AutocastTest::convStep));
        assertBf16(fp32, bf16, emulated);
        float[][] after = on(Backends.ONEDNN, AutocastTest::convStep);
        for (int i = 0; i < fp32.length; i++) {
            assertArrayEquals(fp32[i], after[i], NAMES[i] + ": outside the scope conv2d runs float32 again");
        }
    }

    @Test
    void linearInsideTheScopeReadsBf16AndEqualsTheEmulation() {
        assumeOneDnnBf16();
        float[][] fp32 = on(Backends.ONEDNN, AutocastTest::linearStep);
        float[][] bf16 = on(Backends.ONEDNN, () -> inBf16(AutocastTest::linearStep));
        float[][] emulated = on(Backends.REFERENCE, () -> inBf16(AutocastTest::linearStep));
        assertBf16(fp32, bf16, emulated);
        float[][] after = on(Backends.ONEDNN, AutocastTest::linearStep);
        assertArrayEquals(fp32[0], after[0], "outside the scope linear runs float32 again");
    }

    @Test
    void scopesNestAndRestoreWhatTheyFound() {
        assertEquals(Precision.FP32, Autocast.current());
        try (Autocast outer = Autocast.bf16()) {
            assertEquals(outer.precision(), Autocast.current());
            try (Autocast inner = Autocast.fp32()) {
                assertEquals(Precision.FP32, Autocast.current(), "fp32 inside bf16");
                assertEquals(Precision.FP32, inner.precision());
            }
            assertEquals(outer.precision(), Autocast.current(), "closing fp32 restores the outer region");
            outer.close();
            outer.close(); // closing twice restores once
            assertEquals(Precision.FP32, Autocast.current());
        }
        assertEquals(Precision.FP32, Autocast.current());
    }

    @Test
    void aCpuWithoutBf16RunsFp32AndSaysSoOnce() {
        assumeTrue(Backends.unavailableReason(Backends.ONEDNN).isEmpty(), "oneDNN is not available");
        float[][] fp32 = on(Backends.ONEDNN, AutocastTest::convStep);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty(UNSUPPORTED, "true");
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(Optional.of(false), Jdnn.info().bf16Native(), "info: " + Jdnn.info());
            for (int i = 0; i < 2; i++) {
                float[][] fallback = on(Backends.ONEDNN, () -> {
                    try (Autocast bf16 = Autocast.bf16()) {
                        assertEquals(Precision.FP32, bf16.precision());
                        assertEquals(Precision.FP32, Autocast.current());
                        return convStep();
                    }
                });
                for (int j = 0; j < fp32.length; j++) {
                    assertArrayEquals(fp32[j], fallback[j], NAMES[j] + ": the fallback runs float32");
                }
            }
        } finally {
            System.setErr(err);
            System.clearProperty(UNSUPPORTED);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        // At most once per process: an earlier test on a CPU that lacks bf16 may have printed it already.
        int count = printed.split(java.util.regex.Pattern.quote(Autocast.FALLBACK_MESSAGE), -1).length - 1;
        assertTrue(count <= 1, "printed " + count + " times: " + printed);
        if (Backends.get(Backends.ONEDNN).runsBf16()) {
            assertEquals(1, count, "the first fallback on this bf16 CPU says so: '" + printed + "'");
        }
    }
}
