package org.jdnn.backend.onednn;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.nn.BasicBlock;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ResNet's basic block, conv - batch norm - ReLU - conv - batch norm, plus the shortcut, ReLU, trained one step through
 * autograd: on oneDNN the batch norms and the residual add run in the convolutions' held layout (and so do the
 * gradient sums autograd makes), and the output, the input gradient and every parameter gradient equal the reference
 * backend's. Both shortcuts: the identity (16 -> 16) and the strided 1x1 projection with its batch norm (16 -> 32).
 */
class ResidualBlockHeldLayoutTest {
    private static final double RTOL = 1e-4;

    /** The block's output, input gradient and parameter gradients by name, for input [4, in, 8, 8], seeds 1-3. */
    private static Map<String, float[]> trainStep(Backend backend, long in, long out, long stride) {
        return Backends.with(backend, () -> {
            Map<String, float[]> values = new LinkedHashMap<>();
            try (Scope scope = Scope.open(); BasicBlock block = new BasicBlock(in, out, stride, 1)) {
                block.train();
                Tensor x = Tensor.randn(2, 4, in, 8, 8).requiresGrad(true);
                Tensor y = block.forward(x);
                Tensor weights = Tensor.randn(3, y.shape().dims());
                y.mul(weights).sum().backward();
                values.put("output", y.toFloatArray());
                values.put("input grad", x.grad().toFloatArray());
                block.namedParameters().forEach((name, p) -> values.put(name + " grad", p.grad().toFloatArray()));
            }
            return values;
        });
    }

    private static void assertBlockEqualsTheReference(long in, long out, long stride) {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        long norms = KernelPaths.executions(KernelPaths.BATCHNORM_HELD);
        long adds = KernelPaths.executions(KernelPaths.BINARY_HELD);
        Map<String, float[]> actual = trainStep(onednn, in, out, stride);
        long projectionNorms = in == out ? 0 : 2;
        assertEquals(4 + projectionNorms, KernelPaths.executions(KernelPaths.BATCHNORM_HELD) - norms,
                "batch norms forward and backward on held layouts, block " + in + " -> " + out);
        assertTrue(KernelPaths.executions(KernelPaths.BINARY_HELD) - adds >= 1,
                "the residual add on a held layout, block " + in + " -> " + out);
        Map<String, float[]> expected = trainStep(ReferenceBackend.INSTANCE, in, out, stride);
        assertEquals(expected.keySet(), actual.keySet(), "results of the block");
        // Conv2dParityTest's bound, |err| <= 1e-4 |ref| + 1e-5 sqrt(K), times 8 for what two convolutions and two
        // batch norms carry down; K up to 9 x 32 terms per convolution output, 4 x 8 x 8 per weight gradient sum.
        double atol = 8e-5 * Math.sqrt(9 * 32 * 256);
        expected.forEach((name, want) -> Parity.assertClose(want, actual.get(name), RTOL, atol,
                name + " of a basic block " + in + " -> " + out + " (stride " + stride + ") on [4," + in
                        + ",8,8], seeds 1-3"));
    }

    @Test
    void theIdentityShortcutBlockRunsHeldAndEqualsTheReference() {
        assertBlockEqualsTheReference(16, 16, 1);
    }

    @Test
    void theProjectionShortcutBlockRunsHeldAndEqualsTheReference() {
        assertBlockEqualsTheReference(16, 32, 2);
    }
}
