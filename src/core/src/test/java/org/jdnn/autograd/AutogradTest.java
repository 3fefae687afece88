package org.jdnn.autograd;

import org.jdnn.natives.HostMemory;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autograd contract: recording, fan-out, accumulation, retain-graph, no-grad, detach, and freeing. */
class AutogradTest {

    @Test
    void fanOutGradientsAreSummed() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
            // y = sum(x*x + 3x) -> dy/dx = 2x + 3
            Tensor y = F.sum(F.add(F.mul(x, x), F.mul(x, 3f)));
            y.backward();
            assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray());
            assertEquals("reduction", y.gradFn().name()); // the op's name: sum, mean and max are one op
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardsUntilZeroed() {
        Tensor w = Tensor.of(new float[] {2, -1}).requiresGrad(true);
        for (int i = 0; i < 3; i++) {
            try (Scope scope = Scope.open()) {
                F.sum(F.mul(w, 4f)).backward();
            }
        }
        assertArrayEquals(new float[] {12, 12}, w.grad().toFloatArray());
        Autograd.zeroGrad(java.util.List.of(w));
        assertArrayEquals(new float[] {0, 0}, w.grad().toFloatArray());
        w.close();
        assertTrue(w.grad() == null);
    }

    @Test
    void theGraphIsFreedAfterBackwardUnlessRetained() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
            Tensor y = F.sum(F.mul(x, x));
            y.backward(null, true);
            y.backward(null, false);
            assertArrayEquals(new float[] {4, 8}, x.grad().toFloatArray());
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertTrue(e.getMessage().contains("freed"), e.getMessage());
            assertTrue(y.gradFn().inputs().isEmpty(), "the freed node keeps no inputs");
        }
    }

    @Test
    void noGradRecordsNothingAndDetachCutsTheGraph() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.ones(2).requiresGrad(true);
            try (Autograd.NoGrad ignored = Autograd.noGrad()) {
                Tensor y = F.mul(x, 2f);
                assertFalse(y.requiresGrad());
                assertNull(y.gradFn());
            }
            Tensor d = F.mul(x, 2f).detach();
            assertFalse(d.requiresGrad());
            Tensor z = F.sum(F.mul(F.mul(x, 2f), d));
            z.backward();
            assertArrayEquals(new float[] {4, 4}, x.grad().toFloatArray(), "d is a constant 2, so dz/dx = 2*2");
        }
    }

    @Test
    void gradientsFlowThroughReshape() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
            Tensor y = F.sum(F.mul(x.reshape(4), Tensor.of(new float[] {1, 10, 100, 1000})));
            y.backward();
            assertArrayEquals(new float[] {1, 10, 100, 1000}, x.grad().toFloatArray());
        }
    }

    @Test
    void badBackwardCallsSayWhatIsWrong() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.ones(3).requiresGrad(true);
            Tensor y = F.mul(x, 2f);
            IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class, y::backward);
            assertTrue(notScalar.getMessage().contains("[3]"), notScalar.getMessage());
            assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(2), false));
            IllegalStateException noGraph = assertThrows(IllegalStateException.class, () -> Tensor.ones(1).backward());
            assertTrue(noGraph.getMessage().contains("does not require grad"), noGraph.getMessage());
            assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
            y.backward(Tensor.of(new float[] {1, 2, 3}), false);
            assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());
        }
    }

    @Test
    void aTrainingStepInAScopeLeavesOnlyParametersAndGradientsAlive() {
        Tensor w = Tensor.randn(1, 8, 4).requiresGrad(true);
        Tensor b = Tensor.zeros(8).requiresGrad(true);
        Runnable step = () -> {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(2, 16, 4);
                Tensor loss = F.mean(F.square(F.relu(F.linear(x, w, b))));
                loss.backward();
            }
        };
        step.run();
        long live = HostMemory.stats().liveBytes();
        long mallocs = HostMemory.stats().mallocCalls();
        for (int i = 0; i < 5; i++) {
            step.run();
        }
        // <=, not ==: the cleaner thread may meanwhile free tensors other tests forgot to close.
        assertTrue(HostMemory.stats().liveBytes() <= live, "a step leaked native memory");
        assertEquals(mallocs, HostMemory.stats().mallocCalls(), "steady-state steps should reuse cached blocks");
        w.close();
        b.close();
    }

    @Test
    void theCheckerCatchesAWrongGradient() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(3, 4);
            // Claims d(2x)/dx = 3: both comparisons must reject it.
            AssertionError e = assertThrows(AssertionError.class, () -> GradientChecker.check("wrong",
                    in -> Autograd.record("wrong", F.mul(in[0], 2f),
                            (g, needs) -> new Tensor[] {F.mul(g, 3f)}, in[0]), 1, 1e-2, 2e-2, x));
            assertTrue(e.getMessage().contains("finite differences"), e.getMessage());
        }
    }
}
