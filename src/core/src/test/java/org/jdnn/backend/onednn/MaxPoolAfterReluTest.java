package org.jdnn.backend.onednn;

import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Max pooling of a oneDNN ReLU's output, LeNet's conv - ReLU - pool: the ReLU's held output says it holds no NaN and
 * no -Inf when the ReLU's pass over its input found neither ({@link ReluSpecialValues}), and max pooling then skips its
 * scan for them; any other input is still scanned and falls back to the reference when it holds one. The held input
 * is marked the same way, so that ReLU's backward, which reads it again, skips its NaN scan. The held ReLU
 * keeps NaN as PyTorch does. The convolution makes
 * [2, 6, 12, 12] from [2, 1, 12, 12] (5x5, padding 2): 6 channels, so the blocked layout pads them.
 */
class MaxPoolAfterReluTest {
    private static final Conv2dParams CONV = Conv2dParams.of(1, 2);
    private static final Pool2dParams POOL = Pool2dParams.max(2, 2, 0);
    private static final long[] IMAGES = {2, 1, 12, 12};

    @Test
    void aReluOfFiniteValuesIsMarkedAndPooledWithoutAFallback() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            Tensor relu = convRelu(onednn, Tensor.randn(1, IMAGES));
            assertEquals(new Mark(true, false), mark(onednn, relu),
                    "the ReLU of finite values is marked free of NaN and -Inf, so max pooling after it need not scan");
            assertPooledLikeTheReference(onednn, relu, true);
        }
    }

    @Test
    void aMarkIsNeverWrongWhateverTheConvolutionMade() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            float[] x = Tensor.randn(2, IMAGES).toFloatArray();
            SplittableRandom random = new SplittableRandom(3);
            float[] specials = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            for (int i = 0; i < 6; i++) {
                x[random.nextInt(x.length)] = specials[i % 3];
            }
            Tensor conv = conv(onednn, Tensor.of(x, IMAGES));
            assertTrue(mark(onednn, conv).scanFinds(), "the convolution's output holds NaN or -Inf for this test");
            Tensor relu = relu(onednn, conv);
            Mark mark = mark(onednn, relu);
            assertFalse(mark.marked() && mark.scanFinds(), "a ReLU output marked free of NaN/-Inf holds one: " + mark);
            assertPooledLikeTheReference(onednn, relu, mark.marked() || !mark.scanFinds());
            float[] values = relu.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertFalse(mark.marked() && (Float.isNaN(values[i]) || values[i] == Float.NEGATIVE_INFINITY),
                        "marked ReLU output [2, 6, 12, 12] holds " + values[i] + " at " + i);
            }
        }
    }

    @Test
    void anUnmarkedHeldInputHoldingNaNStillFallsBack() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            float[] x = Tensor.randn(4, IMAGES).toFloatArray();
            x[77] = Float.NaN;
            Tensor conv = conv(onednn, Tensor.of(x, IMAGES));
            assertEquals(new Mark(false, true), mark(onednn, conv), "a convolution's output is held unmarked");
            assertPooledLikeTheReference(onednn, conv, false);
        }
    }

    @Test
    void aHeldReluKeepsNaNAsPyTorch() {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        try (Scope scope = Scope.open()) {
            Tensor x = withSpecials(Tensor.randn(6, IMAGES).toFloatArray(), 5, 150, 250);
            float[] input = conv(onednn, x).toFloatArray(); // reading copies it to plain: the ReLU gets a fresh one
            Tensor held = conv(onednn, x);
            assertEquals(new Mark(false, true), mark(onednn, held), "the convolution's output is held, with NaN");
            Tensor relu = relu(onednn, held);
            assertFalse(mark(onednn, relu).marked(), "a ReLU of an input holding NaN is marked free of NaN");
            float[] actual = relu.toFloatArray();
            int nans = 0;
            for (int i = 0; i < input.length; i++) {
                float expected = Float.isNaN(input[i]) || input[i] > 0 ? input[i] : 0f;
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual[i]),
                        "ReLU of " + input[i] + " at " + i + " of [2, 6, 12, 12]: expected " + expected + ", got "
                                + actual[i]);
                nans += Float.isNaN(actual[i]) ? 1 : 0;
            }
            assertTrue(nans > 0, "the convolution spread the NaN into the ReLU's input [2, 6, 12, 12]");
        }
    }

    @Test
    void aReluMarksItsHeldInputFreeOfNaNAndItsBackwardThenSkipsTheScan() {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        try (Scope scope = Scope.open()) {
            Tensor conv = conv(onednn, Tensor.randn(9, IMAGES));
            assertEquals(new Mark(false, false), mark(onednn, conv), "a convolution's output is held unmarked");
            relu(onednn, conv);
            assertEquals(new Mark(true, false), mark(onednn, conv),
                    "the ReLU's scan of its held input found no NaN/-Inf and marks the input so");
            assertReluBackwardLikeTheReference(onednn, conv);
        }
    }

    @Test
    void aHeldInputHoldingNaNStaysUnmarkedAndItsGradientPassesAtTheNaNAsPyTorch() {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        try (Scope scope = Scope.open()) {
            Tensor conv = conv(onednn, withSpecials(Tensor.randn(10, IMAGES).toFloatArray(), 5, 150, 250));
            relu(onednn, conv);
            assertFalse(mark(onednn, conv).marked(), "a ReLU input holding NaN is marked free of NaN");
            assertReluBackwardLikeTheReference(onednn, conv);
        }
    }

    /**
     * ReLU's backward at the held {@code src} on oneDNN equals the reference's exactly (oneDNN first), up to the sign of
     * a zero: oneDNN multiplies a negative gradient by 0.
     */
    private static void assertReluBackwardLikeTheReference(OneDnnBackend onednn, Tensor src) {
        Tensor dy = Tensor.randn(11, src.shape().dims());
        Tensor actual = Tensor.empty(src.shape());
        Kernels.run(onednn, EltwiseOps.BACKWARD, EltwiseParams.relu(), in(src, dy), actual);
        Tensor plain = Tensor.of(src.toFloatArray(), src.shape().dims());
        Tensor expected = Tensor.empty(src.shape());
        Kernels.run(ReferenceBackend.INSTANCE, EltwiseOps.BACKWARD, EltwiseParams.relu(), in(plain, dy), expected);
        Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 0, 0, "ReLU backward at " + src.shape());
    }

    /** {@code x} with NaN, -Inf and +Inf at the given pixels. */
    private static Tensor withSpecials(float[] x, int nan, int minusInfinity, int plusInfinity) {
        x[nan] = Float.NaN;
        x[minusInfinity] = Float.NEGATIVE_INFINITY;
        x[plusInfinity] = Float.POSITIVE_INFINITY;
        return Tensor.of(x, IMAGES);
    }

    /** Whether a held tensor is marked free of NaN/-Inf, and whether a scan of its buffer finds one. */
    private record Mark(boolean marked, boolean scanFinds) {
    }

    private static Mark mark(OneDnnBackend onednn, Tensor held) {
        BlockedCopy copy = BlockedCopy.acquire(onednn, held, null);
        assertNotNull(copy, "tensor " + held.shape() + " is not held in a blocked layout");
        try {
            return new Mark(copy.holdsNoNaNOrNegativeInfinity(),
                    SpecialValues.anyNaNOrNegativeInfinity(copy.buffer(), copy.bytes() / Float.BYTES));
        } finally {
            copy.done();
        }
    }

    /**
     * Max pooling of the held {@code input} on oneDNN, forward for training and backward, equals the reference's on
     * the same values exactly; {@code natively}: whether oneDNN ran it (else the NaN/-Inf fallback did). oneDNN goes
     * first: reading the values for the reference copies the input back to plain.
     */
    private static void assertPooledLikeTheReference(OneDnnBackend onednn, Tensor input, boolean natively) {
        Shape out = Shape.of(2, 6, 6, 6);
        Tensor dy = Tensor.randn(5, out.dims());
        long native0 = onednn.nativeExecutions("pool2d");
        Tensor actual = Tensor.empty(out);
        Tensor workspace = Kernels.poolTraining(onednn, POOL, input, actual);
        assertEquals(natively, onednn.nativeExecutions("pool2d") > native0,
                "max pooling of " + input.shape() + " ran on " + (natively ? "the reference, not oneDNN" : "oneDNN"));
        Tensor dx = Tensor.full(Float.NaN, input.shape().dims());
        Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(POOL, dx), in(dy, workspace), dx);

        Tensor plain = Tensor.of(input.toFloatArray(), input.shape().dims());
        Tensor expected = Tensor.empty(out);
        Tensor refWorkspace = Kernels.poolTraining(ReferenceBackend.INSTANCE, POOL, plain, expected);
        Tensor expectedDx = Tensor.empty(input.shape());
        Kernels.run(ReferenceBackend.INSTANCE, Pool2dOps.BACKWARD, Kernels.poolGrad(POOL, expectedDx),
                in(dy, refWorkspace), expectedDx);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "pool of " + input.shape() + " forward");
        assertArrayEquals(expectedDx.toFloatArray(), dx.toFloatArray(), "pool of " + input.shape() + " backward");
    }

    private static Tensor convRelu(OneDnnBackend onednn, Tensor x) {
        return relu(onednn, conv(onednn, x));
    }

    private static Tensor conv(OneDnnBackend onednn, Tensor x) {
        Tensor w = Tensor.randn(7, 6, 1, 5, 5), b = Tensor.randn(8, 6);
        Tensor y = Tensor.empty(2, 6, 12, 12);
        Kernels.run(onednn, Conv2dOps.FORWARD, CONV, in(x, w, b), y);
        return y;
    }

    private static Tensor relu(OneDnnBackend onednn, Tensor src) {
        Tensor y = Tensor.empty(src.shape());
        Kernels.run(onednn, EltwiseOps.FORWARD, EltwiseParams.relu(), in(src), y);
        return y;
    }
}
