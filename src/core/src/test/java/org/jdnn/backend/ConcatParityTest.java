package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the op matrix ({@code org.jdnn.matrix.ConcatEntries}) does not check: the functional round trip and the
 * messages of refused arguments. The comparison of every backend with the reference and the adjoint test are the
 * matrix's.
 */
class ConcatParityTest {

    @Test
    void functionalRoundTrip() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor b = Tensor.of(new float[] {5, 6}, 2, 1);
            Tensor c = F.concat(-1, a, b);
            assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, c.toFloatArray());
            assertEquals(Shape.of(2, 3), c.shape());
            List<Tensor> parts = Functional.split(c, 1, 2, 1);
            assertArrayEquals(a.toFloatArray(), parts.get(0).toFloatArray());
            assertArrayEquals(b.toFloatArray(), parts.get(1).toFloatArray());
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> F.concat(0, a, Tensor.randn(2, 2, 4)));
            assertTrue(e.getMessage().startsWith("concat: tensor 1 has shape [2, 4] but tensor 0 has [2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> F.concat(1, a, Tensor.randn(2, 3)));
            assertTrue(e.getMessage().contains("ranks differ"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> F.concat(2, a, a));
            assertTrue(e.getMessage().startsWith("concat: axis 2 is out of range for shape [2, 3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> F.concat(0, List.of()));
            assertThrows(IllegalArgumentException.class, () -> F.concat(0, Tensor.scalar(1f), Tensor.scalar(2f)));
            e = assertThrows(IllegalArgumentException.class, () -> Functional.split(a, 1, 1, 1));
            assertTrue(e.getMessage().startsWith("split: input shape [2, 3] != expected [2, 2]"), e.getMessage());
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("concat"))) {
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.concat(backend, 0, List.of(a, a), Tensor.empty(4, 4)));
                assertTrue(e.getMessage().contains("concat: out shape [4, 4] != expected [4, 3]"), e.getMessage());
                Tensor closed = Tensor.randn(2, 2, 3);
                closed.close();
                assertThrows(IllegalStateException.class, () -> Kernels.concat(backend, 0, List.of(a, closed), Tensor.empty(4, 3)));
                Tensor closedRow = Tensor.empty(1, 3); // a part of the right shape: the shape rule runs first
                closedRow.close();
                assertThrows(IllegalStateException.class, () -> Kernels.split(backend, 0, a, List.of(Tensor.empty(1, 3), closedRow)));
                assertThrows(IllegalArgumentException.class, () -> Kernels.split(backend, 0, a, List.of(a)));
            }
        }
    }
}
