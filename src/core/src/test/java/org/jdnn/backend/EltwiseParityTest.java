package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Element-wise activations beyond the comparison with the reference (the op test matrix's eltwise and
 * eltwise_backward entries compare every algorithm on every backend): STEP's closed-form values at its edges, in place
 * and through Functional, and its backward refused on every backend, the kill switch's included.
 */
class EltwiseParityTest {

    /**
     * STEP (heaviside(x, 1), the perceptron's step) at its edge values: 1 at +-0, the smallest positive float and +inf,
     * 0 below 0, at -inf and at NaN (PyTorch's heaviside); in place too. It gave 0 at 0 before.
     */
    @Test
    void stepIsExactAtZeroAndSpecialValues() {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        float[] x = {-1f, -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 3.5f, Float.NaN};
        float[] expected = {0, 1, 1, 1, 0, 1, 0, 1, 0};
        EltwiseParams step = EltwiseParams.of(EltwiseAlgorithm.STEP);
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, onednn)) {
            try (Scope scope = Scope.open()) {
                Tensor src = Tensor.of(x);
                Tensor dst = Tensor.full(Float.NaN, x.length);
                Kernels.run(backend, EltwiseOps.FORWARD, step, in(src), dst);
                assertArrayEquals(expected, dst.toFloatArray(), backend.name());
                Kernels.run(backend, EltwiseOps.FORWARD, step, in(src), src); // in place
                assertArrayEquals(expected, src.toFloatArray(), backend.name() + " in place");
            }
        }
        try (Scope scope = Scope.open()) {
            assertArrayEquals(new float[] {0, 1, 1}, F.step(Tensor.of(-2f, 2f, 0f)).toFloatArray());
            assertArrayEquals(new float[] {0, 1, 0, 0.5f, 0.5f}, F.heaviside(Tensor.of(-2f, 2f, Float.NaN, 0f, -0f), 0.5f)
                    .toFloatArray());
        }
    }

    @Test
    void stepBackwardThrowsOnEveryBackend() {
        EltwiseParams step = EltwiseParams.of(EltwiseAlgorithm.STEP);
        try (OneDnnBackend killed = OneDnnBackend.create(java.util.Set.of("eltwise"))) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("eltwise"), killed)) {
                try (Scope scope = Scope.open()) {
                    Tensor x = Tensor.of(1f, -1f);
                    var e = assertThrows(IllegalArgumentException.class,
                            () -> Kernels.run(backend, EltwiseOps.BACKWARD, step, in(x, Tensor.of(1f, 1f)), Tensor.empty(2)),
                            backend.name());
                    assertTrue(e.getMessage().startsWith("eltwise STEP: not differentiable"), e.getMessage());
                }
            }
        }
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, -1f);
            var e = assertThrows(IllegalArgumentException.class, () -> Functional.activationBackward(step, x, x));
            assertEquals(EltwiseOps.STEP_NOT_DIFFERENTIABLE, e.getMessage());
        }
    }
}
