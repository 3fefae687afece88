package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.ReductionOps;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binary arithmetic beyond the comparison with the reference (the op test matrix's binary, binary_scalar and
 * sum_to_shape entries compare every algorithm with broadcasting on every backend and check the gradients against
 * finite differences and the dot-product test): in place over the first operand, and the refused arguments.
 */
class BinaryParityTest {

    /** The op's output may be its first operand (in place, e.g. {@code a += b}); over the second it is rejected. */
    @Test
    void inPlaceOverTheFirstOperand() {
        try (Scope scope = Scope.open()) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("binary"))) {
                Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
                Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.SUB), a, b, a);
                assertArrayEquals(new float[] {-9, -18, -27, -6, -15, -24}, a.toFloatArray(), backend.name());
                Tensor c = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                Tensor d = Tensor.of(new float[] {2, 2, 2, 4, 4, 4}, 2, 3);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.DIV), c, d, d));
                assertTrue(e.getMessage().contains("binary: output out must not share memory with b"), e.getMessage());
                Tensor q = c.copy();
                Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.DIV), q, d, q);
                assertArrayEquals(new float[] {0.5f, 1, 1.5f, 1, 1.25f, 1.5f}, q.toFloatArray(), backend.name());
                Kernels.binaryScalar(backend, BinaryParams.of(BinaryAlgorithm.MAX), c, 3.5f, c);
                assertArrayEquals(new float[] {3.5f, 3.5f, 3.5f, 4, 5, 6}, c.toFloatArray(), backend.name());
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.add(a, Tensor.randn(2, 4)));
            assertTrue(e.getMessage().startsWith("add: shapes [2, 3] and [4] do not broadcast"), e.getMessage());
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("binary"))) {
                BinaryParams mul = BinaryParams.of(BinaryAlgorithm.MUL);
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary(backend, mul, a, Tensor.randn(3, 2), Tensor.empty(2, 3)));
                assertTrue(e.getMessage().startsWith("mul: shapes [2, 3] and [2] do not broadcast"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary(backend, mul, a, Tensor.randn(4, 3), Tensor.empty(3)));
                assertTrue(e.getMessage().contains("out shape [3]"), e.getMessage());
                Tensor big = Tensor.randn(5, 4, 2, 3);
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary(backend, mul, big, a,
                        big.reshape(8, 3)));
                assertTrue(e.getMessage().contains("out shape [8, 3]"), e.getMessage());
                Tensor closed = Tensor.randn(6, 2, 3);
                closed.close();
                assertThrows(IllegalStateException.class, () -> Kernels.binary(backend, mul, a, closed, Tensor.empty(2, 3)));
                assertThrows(IllegalStateException.class, () -> Kernels.binaryScalar(backend, mul, closed, 1f, Tensor.empty(2, 3)));
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.run(backend, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(Tensor.empty(2)), in(Tensor.randn(7, 2, 3)), Tensor.empty(2)));
                assertTrue(e.getMessage().startsWith("sum_to_shape: target shape [2] does not broadcast to [2, 3]"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Kernels.run(backend, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(Tensor.empty(2, 3)), in(Tensor.randn(7, 3)), Tensor.empty(2, 3)));
            }
            Tensor same = Functional.sumToShape(Tensor.ones(2, 3), Shape.of(1, 3));
            assertArrayEquals(new float[] {2, 2, 2}, same.toFloatArray());
        }
    }
}
