package org.jdnn.backend;

import org.jdnn.ops.EltwiseOps;
import org.jdnn.testing.Kernels;
import static org.jdnn.testing.Kernels.in;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.jdnn.functional.Functional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN element-wise activations, forward and backward, against the reference for every algorithm over
 * seeded random shapes and alphas. Bound: 1e-5 relative plus 1e-6 absolute forward, 1e-5 absolute backward
 * (oneDNN's erf/exp/tanh are vectorised polynomial approximations, accurate to a few float32 ulps, and the
 * GELU derivative loses a few more bits in its tails where it is a difference of near-equal terms). STEP is
 * exact (oneDNN's binary greater-than writes 1.0 or 0.0) and forward only: it has no backward parity, its
 * backward must throw on every backend.
 */
class EltwiseParityTest {

    record Case(EltwiseParams params, long[] shape, float scale, long seed) {
        @Override
        public String toString() {
            return params + " shape " + java.util.Arrays.toString(shape) + " scale " + scale + " seed " + seed;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            for (int i = 0; i < 4; i++) {
                float alpha = switch (algorithm) {
                    case RELU -> i == 0 ? 0f : (float) random.nextDouble(0.01, 0.5);
                    case ELU -> (float) random.nextDouble(0.1, 2);
                    case SOFTPLUS -> i == 0 ? 1f : (float) random.nextDouble(0.5, 3);
                    default -> 0f;
                };
                int rank = 1 + random.nextInt(4);
                long[] shape = new long[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = 1 + random.nextInt(d == rank - 1 ? 33 : 6);
                }
                float scale = i == 3 ? 8f : 2f;
                cases.add(new Case(new EltwiseParams(algorithm, alpha), shape, scale, random.nextLong()));
            }
        }
        return cases;
    }

    /** STEP is not differentiable: its backward throws (stepBackwardThrowsOnEveryBackend), nothing to compare. */
    static List<Case> differentiableCases() {
        return cases().stream().filter(c -> c.params().algorithm() != EltwiseAlgorithm.STEP).toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.uniform(new SplittableRandom(c.seed()), -c.scale(), c.scale(), c.shape());
            Tensor expected = Tensor.empty(c.shape());
            Tensor actual = Tensor.full(Float.NaN, c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, EltwiseOps.FORWARD, c.params(), in(x), expected);
            long before = onednn.nativeExecutions("eltwise");
            Kernels.run(onednn, EltwiseOps.FORWARD, c.params(), in(x), actual);
            assertTrue(onednn.nativeExecutions("eltwise") > before, "oneDNN eltwise did not run");
            boolean exact = c.params().algorithm() == EltwiseAlgorithm.STEP;
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), exact ? 0 : 1e-5, exact ? 0 : 1e-6,
                    "forward " + c);
        }
    }

    @ParameterizedTest
    @MethodSource("differentiableCases")
    void backwardMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.uniform(new SplittableRandom(c.seed()), -c.scale(), c.scale(), c.shape());
            Tensor dy = Tensor.randn(c.seed() + 1, c.shape());
            Tensor expected = Tensor.empty(c.shape());
            Tensor actual = Tensor.full(Float.NaN, c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, EltwiseOps.BACKWARD, c.params(), in(x, dy), expected);
            long before = onednn.nativeExecutions("eltwise");
            Kernels.run(onednn, EltwiseOps.BACKWARD, c.params(), in(x, dy), actual);
            assertTrue(onednn.nativeExecutions("eltwise") > before, "oneDNN eltwise backward did not run");
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, 1e-5, "backward " + c);
        }
    }

    /**
     * STEP at its edge values: 0 at +-0 and -inf, 1 at the smallest positive float and +inf; in place too. NaN is
     * left out: its step is backend-dependent (see EltwiseAlgorithm.STEP).
     */
    @Test
    void stepIsExactAtZeroAndSpecialValues() {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        float[] x = {-1f, -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 3.5f};
        float[] expected = {0, 0, 0, 1, 0, 1, 0, 1};
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
            assertArrayEquals(new float[] {0, 1, 0}, Functional.step(Tensor.of(-2f, 2f, 0f)).toFloatArray());
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
