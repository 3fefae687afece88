package org.jdnn.backend.onednn;

import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LeNet's backward through pool - ReLU - conv: max pooling's backward over windows that do not overlap copies each
 * incoming gradient to one element and writes 0 elsewhere, so when that gradient is finite it marks its held output
 * finite ({@link BlockedCopy#holdsOnlyFinite()}), and ReLU's backward, whose incoming gradient that output is, skips
 * its scan for NaN and infinities. A gradient holding NaN or an infinity, or overlapping windows (a sum of finite
 * values can overflow), leave it unmarked and scanned. Either way ReLU's backward equals the reference's. The
 * convolution makes [2, 6, 12, 12] from [2, 1, 12, 12] (5x5, padding 2), held in a blocked layout.
 */
class PoolBackwardFiniteMarkTest {
    private static final Conv2dParams CONV = Conv2dParams.of(1, 2);
    private static final long[] IMAGES = {2, 1, 12, 12};
    private static final Pool2dParams TWO_BY_TWO = Pool2dParams.max(2, 2, 0);   // [2, 6, 6, 6]
    private static final Pool2dParams OVERLAPPING = Pool2dParams.max(3, 2, 0);  // [2, 6, 5, 5]

    @Test
    void aFiniteGradientThroughDisjointWindowsMarksTheOutputFinite() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            Tensor conv = conv(onednn, Tensor.randn(1, IMAGES));
            Tensor dx = poolBackward(onednn, TWO_BY_TWO, relu(onednn, conv), Tensor.randn(2, 2, 6, 6, 6));
            assertEquals(true, finite(onednn, dx), "max pooling's backward of a finite gradient, 2x2 stride 2");
            assertReluBackwardLikeTheReference(onednn, conv, dx);
        }
    }

    @Test
    void aGradientHoldingNaNOrAnInfinityLeavesTheOutputUnmarked() {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        OneDnnBackend onednn = Parity.onednn("pool2d");
        for (float special : specials) {
            try (Scope scope = Scope.open()) {
                Tensor conv = conv(onednn, Tensor.randn(3, IMAGES));
                float[] dy = Tensor.randn(4, 2, 6, 6, 6).toFloatArray();
                for (int i = 0; i < dy.length; i += 7) {
                    dy[i] = special; // many, so that some meet a ReLU input <= 0
                }
                Tensor dx = poolBackward(onednn, TWO_BY_TWO, relu(onednn, conv), Tensor.of(dy, 2, 6, 6, 6));
                assertEquals(false, finite(onednn, dx), "max pooling's backward of a gradient holding " + special);
                assertReluBackwardLikeTheReference(onednn, conv, dx);
            }
        }
    }

    @Test
    void overlappingWindowsLeaveTheOutputUnmarked() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            Tensor conv = conv(onednn, Tensor.randn(5, IMAGES));
            Tensor dx = poolBackward(onednn, OVERLAPPING, relu(onednn, conv), Tensor.randn(6, 2, 6, 5, 5));
            assertEquals(false, finite(onednn, dx), "max pooling's backward over 3x3 windows at stride 2");
            assertReluBackwardLikeTheReference(onednn, conv, dx);
        }
    }

    /** Max pooling of {@code input} for training on oneDNN, then its backward of {@code dy}: the input's gradient. */
    private static Tensor poolBackward(OneDnnBackend onednn, Pool2dParams pool, Tensor input, Tensor dy) {
        Tensor pooled = Tensor.empty(dy.shape());
        Tensor workspace = Kernels.poolTraining(onednn, pool, input, pooled);
        Tensor dx = Tensor.empty(input.shape());
        Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(pool, dx), in(dy, workspace), dx);
        return dx;
    }

    /** Whether the held {@code t} is marked finite. */
    private static boolean finite(OneDnnBackend onednn, Tensor t) {
        BlockedCopy copy = BlockedCopy.acquire(onednn, t, null);
        assertNotNull(copy, "tensor " + t.shape() + " is not held in a blocked layout");
        try {
            return copy.holdsOnlyFinite();
        } finally {
            copy.done();
        }
    }

    /**
     * ReLU's backward at the held {@code src} with the gradient {@code dy} on oneDNN equals the reference's exactly
     * (oneDNN first: reading the values copies them back to plain), up to the sign of a zero and a NaN's payload.
     */
    private static void assertReluBackwardLikeTheReference(OneDnnBackend onednn, Tensor src, Tensor dy) {
        Shape shape = src.shape();
        Tensor actual = Tensor.empty(shape);
        Kernels.run(onednn, EltwiseOps.BACKWARD, EltwiseParams.relu(), in(src, dy), actual);
        Tensor plainSrc = Tensor.of(src.toFloatArray(), shape.dims());
        Tensor plainDy = Tensor.of(dy.toFloatArray(), shape.dims());
        Tensor expected = Tensor.empty(shape);
        Kernels.run(ReferenceBackend.INSTANCE, EltwiseOps.BACKWARD, EltwiseParams.relu(), in(plainSrc, plainDy),
                expected);
        float[] want = expected.toFloatArray();
        float[] got = actual.toFloatArray();
        for (int i = 0; i < want.length; i++) {
            boolean same = Float.isNaN(want[i]) ? Float.isNaN(got[i]) : got[i] == want[i];
            assertTrue(same, "ReLU backward at " + shape + ", element " + i + " (input " + plainSrc.toFloatArray()[i]
                    + ", gradient " + plainDy.toFloatArray()[i] + "): " + got[i] + ", expected " + want[i]);
        }
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
