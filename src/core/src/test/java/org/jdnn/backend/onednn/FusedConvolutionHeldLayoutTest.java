package org.jdnn.backend.onednn;

import org.jdnn.backend.Backend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.FusedConv2dOps;
import org.jdnn.ops.PostOps;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conv2d_fused on oneDNN keeps its output in the layout the primitive chose, as conv2d does ({@link BlockedCopy}), and
 * its sum post-op takes the residual either way: held in dst's very layout (copied as it is), or plain (reordered in).
 * A ResNet block's tail: {@code a = conv(x)} (no post-op), then {@code relu(conv(a) + a)} and {@code relu(conv(a) + p)}
 * with {@code p} a plain tensor; every value against the reference.
 */
class FusedConvolutionHeldLayoutTest {
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1);

    /** a, relu(conv(a) + a), relu(conv(a) + p) on one backend; whether a was held after its call. */
    private static List<float[]> block(Backend backend, boolean[] held) {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 4, 16, 8, 8), w1 = Tensor.randn(2, 16, 16, 3, 3), b1 = Tensor.randn(3, 16);
            Tensor w2 = Tensor.randn(4, 16, 16, 3, 3), plain = Tensor.randn(5, 4, 16, 8, 8);
            Tensor a = Tensor.empty(Conv2dShapes.infer(x.shape(), w1.shape(), b1.shape(), SAME).output());
            Kernels.run(backend, FusedConv2dOps.FORWARD, new FusedConv2dOps.Params(SAME, PostOps.NONE),
                    in(x, w1, b1, null), a);
            held[0] = TensorAccess.nativeLayout(a) instanceof BlockedCopy;
            Tensor sumHeld = Tensor.empty(a.shape()), sumPlain = Tensor.empty(a.shape());
            Kernels.run(backend, FusedConv2dOps.FORWARD, new FusedConv2dOps.Params(SAME, PostOps.SUM_RELU),
                    in(a, w2, null, a), sumHeld);
            Kernels.run(backend, FusedConv2dOps.FORWARD, new FusedConv2dOps.Params(SAME, PostOps.SUM_RELU),
                    in(a, w2, null, plain), sumPlain);
            List<float[]> values = new ArrayList<>();
            for (Tensor t : List.of(a, sumHeld, sumPlain)) {
                values.add(t.toFloatArray());
            }
            return values;
        }
    }

    @Test
    void theOutputStaysHeldAndTheResidualIsAddedFromEitherLayout() {
        OneDnnBackend onednn = Parity.onednn("conv2d_fused");
        boolean[] held = new boolean[1];
        long fused = onednn.nativeExecutions("conv2d_fused");
        List<float[]> expected = block(ReferenceBackend.INSTANCE, new boolean[1]);
        List<float[]> actual = block(onednn, held);
        assertEquals(3, onednn.nativeExecutions("conv2d_fused") - fused, "three native conv2d_fused calls");
        assertTrue(held[0], "the fused convolution's output is held in oneDNN's layout like conv2d's");
        String[] names = {"conv(x)", "relu(conv(a) + a), a held", "relu(conv(a) + p), p plain"};
        for (int i = 0; i < names.length; i++) {
            Parity.assertClose(expected.get(i), actual.get(i), 1e-4, 1e-4, names[i] + ", N1 C16 8x8, 3x3 pad 1");
        }
    }
}
