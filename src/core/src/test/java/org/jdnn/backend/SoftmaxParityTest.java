package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Softmax beyond the comparison with the reference (the op test matrix's softmax and softmax_backward entries compare
 * softmax and log-softmax, forward and backward, on every backend, and check the reference against finite
 * differences): known values, in place, no overflow, and the refused arguments.
 */
class SoftmaxParityTest {

    @Test
    void knownValuesAndInPlace() {
        try (Scope scope = Scope.open()) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("softmax"))) {
                Tensor x = Tensor.of(new float[] {0f, (float) Math.log(3)}, 1, 2);
                Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.softmax(-1), in(x), x); // in place
                assertEquals(0.25f, x.get(0, 0), 1e-6f, backend.name());
                assertEquals(0.75f, x.get(0, 1), 1e-6f, backend.name());
            }
            Tensor ls = F.logSoftmax(Tensor.of(new float[] {1000f, 1000f}, 2), 0);
            assertEquals((float) -Math.log(2), ls.get(0), 1e-5f, "log-softmax must not overflow");
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.softmax(x, 2));
            assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("axis 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> F.logSoftmax(x, -3));
            assertThrows(IllegalArgumentException.class, () -> F.softmax(Tensor.scalar(1f), 0));
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("softmax"))) {
                assertThrows(IllegalArgumentException.class,
                        () -> Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.softmax(0), in(x), Tensor.empty(3, 2)));
                Tensor closed = Tensor.randn(2, 2, 3);
                closed.close();
                IllegalStateException s = assertThrows(IllegalStateException.class,
                        () -> Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.softmax(0), in(closed), Tensor.empty(2, 3)));
                assertTrue(s.getMessage().contains("closed"), s.getMessage());
            }
        }
    }
}
