package org.jdnn.backend.onednn;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.natives.HostMemory;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An op's output that a primitive holds in its own layout takes no plain host memory until something reads it
 * plain: a convolution's output is one native block (the held one), and reading it swaps that block for the plain
 * bytes, with the convolution's values. A tensor the user asks for is still allocated at once, so a request past
 * the memory budget fails where it is made (MemoryBudgetTest).
 */
class DeferredOutputMemoryTest {
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1);

    @Test
    void aHeldConvolutionOutputTakesOneBlockUntilReadPlain() {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        try (Tensor x = Tensor.randn(1, 2, 16, 8, 8); Tensor w = Tensor.randn(2, 32, 16, 3, 3)) {
            float[] expected = Backends.with(ReferenceBackend.INSTANCE, () -> {
                try (Tensor y = F.conv2d(x, w, null, SAME)) {
                    return y.toFloatArray();
                }
            });
            float[] actual = Backends.with(onednn, () -> {
                F.conv2d(x, w, null, SAME).close(); // creates the primitive and reorders the weights once
                long before = HostMemory.stats().liveBlocks();
                try (Tensor y = F.conv2d(x, w, null, SAME)) {
                    assertNotNull(TensorAccess.nativeLayout(y), "the [2,32,8,8] output is held in the primitive's layout");
                    assertEquals(before + 1, HostMemory.stats().liveBlocks(),
                            "blocks live while the output is held: only the held buffer, no plain bytes beside it");
                    float[] values = y.toFloatArray();
                    assertNull(TensorAccess.nativeLayout(y), "read plain, the output no longer holds the layout");
                    assertEquals(before + 1, HostMemory.stats().liveBlocks(),
                            "blocks live once read: the plain bytes replaced the held buffer");
                    return values;
                }
            });
            Parity.assertClose(expected, actual, 1e-4, 1e-4, "conv2d [2,16,8,8] * [32,16,3,3], pad 1, held then read");
        }
    }

    @Test
    void aTensorTheUserCreatesIsAllocatedAtOnce() {
        long before = HostMemory.stats().liveBlocks();
        try (Tensor t = Tensor.empty(1000)) {
            assertEquals(before + 1, HostMemory.stats().liveBlocks(), "Tensor.empty(1000) holds its block at once");
        }
    }
}
