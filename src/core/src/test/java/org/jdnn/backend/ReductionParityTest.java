package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionParams;
import org.jdnn.tensor.Scope;
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
 * What the op matrix ({@code org.jdnn.matrix.ReductionEntries}) does not check: the first-maximum rule and known
 * values on every backend, degenerate shapes, and the messages of refused arguments. The comparison of every backend
 * with the reference (forward, backward, finite differences) is the matrix's.
 */
class ReductionParityTest {

    @Test
    void maxRoutesTheGradientToTheFirstMaximumOnEveryBackend() {
        try (Scope scope = Scope.open()) {
            // Ties in every row, including an all-equal one.
            Tensor x = Tensor.of(new float[] {1, 3, 3, 0, 2, 2, 2, 2, 5, 1, 5, 5}, 3, 4);
            ReductionParams max = ReductionParams.of(ReductionAlgorithm.MAX, false, 1);
            float[] expected = {0, 7, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0};
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("reduction"))) {
                Tensor y = Tensor.empty(3);
                Kernels.reduce(backend, max, x, y);
                assertArrayEquals(new float[] {3, 2, 5}, y.toFloatArray(), backend.name());
                Tensor dx = Tensor.full(Float.NaN, 3, 4);
                Kernels.reduceBackward(backend, max, x, y, Tensor.of(7f, 8f, 9f), dx);
                assertArrayEquals(expected, dx.toFloatArray(), backend.name());
            }
        }
    }

    @Test
    void knownValuesAndDegenerateShapes() {
        try (Scope scope = Scope.open()) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("reduction"))) {
                Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                Tensor all = Tensor.empty();
                Kernels.reduce(backend, ReductionParams.of(ReductionAlgorithm.SUM, false), x, all);
                assertEquals(21f, all.item(), backend.name());
                Tensor mean = Tensor.empty(2, 1);
                Kernels.reduce(backend, ReductionParams.of(ReductionAlgorithm.MEAN, true, -1), x, mean);
                assertArrayEquals(new float[] {2, 5}, mean.toFloatArray(), backend.name());
                Tensor grad = Tensor.full(Float.NaN, 2, 3);
                Kernels.reduceBackward(backend, ReductionParams.of(ReductionAlgorithm.MEAN, true, -1), x, mean, Tensor.of(new float[] {3, 6}, 2, 1), grad);
                assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, grad.toFloatArray(), backend.name());
                // Reducing a size-1 axis is the identity; reducing a rank-0 tensor too.
                Tensor column = Tensor.of(new float[] {1, 2}, 2, 1);
                Tensor same = Tensor.empty(2);
                Kernels.reduce(backend, ReductionParams.of(ReductionAlgorithm.MAX, false, 1), column, same);
                assertArrayEquals(new float[] {1, 2}, same.toFloatArray(), backend.name());
                Tensor scalarOut = Tensor.empty();
                Kernels.reduce(backend, ReductionParams.of(ReductionAlgorithm.SUM, true), Tensor.scalar(4f), scalarOut);
                assertEquals(4f, scalarOut.item(), backend.name());
                // A sum over nothing is 0, a mean NaN.
                Tensor empty = Tensor.empty(0, 3);
                Tensor sums = Tensor.full(Float.NaN, 3);
                Kernels.reduce(backend, ReductionParams.of(ReductionAlgorithm.SUM, false, 0), empty, sums);
                assertArrayEquals(new float[] {0, 0, 0}, sums.toFloatArray(), backend.name());
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.sum(x, false, 2));
            assertTrue(e.getMessage().startsWith("sum: axis 2 is out of range for shape [2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> F.mean(x, false, 1, -1));
            assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> F.max(Tensor.empty(0, 3), false, 0));
            assertTrue(e.getMessage().contains("zero elements"), e.getMessage());
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("reduction"))) {
                ReductionParams sum = ReductionParams.of(ReductionAlgorithm.SUM, false, 0);
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.reduce(backend, sum, x, Tensor.empty(1, 3)));
                assertTrue(e.getMessage().contains("reduction: out shape [1, 3] != expected [3]"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Kernels.reduceBackward(backend, sum, x, Tensor.empty(3), Tensor.empty(2), Tensor.empty(2, 3)));
                Tensor closed = Tensor.randn(2, 2, 3);
                closed.close();
                assertThrows(IllegalStateException.class, () -> Kernels.reduce(backend, sum, closed, Tensor.empty(3)));
            }
        }
    }
}
