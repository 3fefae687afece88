package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.functional.Pool2dResult;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the op matrix ({@code org.jdnn.matrix.PoolingEntries}) does not check: the tie rule's known values on every
 * backend, the functional calls and the recorded graph (its workspace, both derivatives agreeing), the kill switch,
 * the output shapes PyTorch gives and the messages of refused arguments and workspaces. The comparison of every
 * backend with the reference (forward, training forward, backward, finite differences) is the matrix's.
 */
class Pool2dParityTest {

    /** Distinct values in [-1, 1), shuffled: no ties inside any window. */
    static Tensor distinct(long seed, long... shape) {
        int n = Math.toIntExact(Shape.of(shape).numel());
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (2.0 * i / n - 1.0);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return Tensor.of(values, shape);
    }

    /** Ties (a constant input) route the whole gradient of a window to its first element, on both backends. */
    @Test
    void tiesPickTheFirstMaximum() {
        Pool2dParams p = Pool2dParams.max(2, 2, 0);
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("pool2d"))) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.ones(1, 1, 4, 4);
                Pool2dResult result = Backends.with(backend, () -> Functional.pool2dTraining(x, p));
                Tensor dy = Tensor.ones(1, 1, 2, 2);
                Tensor dx = Backends.with(backend, () -> Functional.pool2dBackward(p, dy, result.workspace(), x.shape()));
                float[] expected = {1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0};
                assertArrayEquals(expected, dx.toFloatArray(), backend.name() + " max pooling tie rule");
            }
        }
    }

    @Test
    void functionalCallsRunOnTheCurrentBackend() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            Tensor x = distinct(5, 2, 3, 9, 9);
            Tensor expected = Backends.with(ReferenceBackend.INSTANCE, () -> F.maxPool2d(x, 3, 2, 1));
            long before = onednn.nativeExecutions("pool2d");
            Tensor actual = Backends.with(onednn, () -> F.maxPool2d(x, 3, 2, 1));
            assertTrue(onednn.nativeExecutions("pool2d") > before);
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
            Tensor avgRef = Backends.with(ReferenceBackend.INSTANCE, () -> F.avgPool2d(x, 2, 2, 1, false));
            Tensor avg = Backends.with(onednn, () -> F.avgPool2d(x, 2, 2, 1, false));
            assertEquals(Shape.of(2, 3, 5, 5), avg.shape());
            Parity.assertClose(avgRef.toFloatArray(), avg.toFloatArray(), 1e-5, 1e-6, "functional avgPool2d");
        }
    }

    /**
     * Recorded max pooling keeps the workspace its training forward made in the graph node, and the gradient through
     * it equals the one the inference forward's derivative gets by running the training forward again (exactly: both
     * route each output's gradient to the same element), on both backends.
     */
    @Test
    void recordedPoolingOwnsItsWorkspaceAndBothDerivativesAgree() {
        for (Pool2dParams p : List.of(Pool2dParams.max(3, 2, 1), Pool2dParams.avg(3, 2, 1, false))) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("pool2d"))) {
                try (Scope scope = Scope.open()) {
                    Tensor x = distinct(21, 2, 3, 9, 9).requiresGrad(true);
                    Tensor dy = Tensor.randn(22, Pool2dShapes.infer(p, x.shape()).output().dims());
                    float[][] grads = new float[2][];
                    for (int path = 0; path < 2; path++) {
                        boolean training = path == 0;
                        Tensor y = Backends.with(backend, () -> training ? org.jdnn.autograd.F.pool2d(x, p)
                                : org.jdnn.autograd.Calls.call(Pool2dOps.FORWARD, p, x));
                        assertEquals(training ? "pool2d_training" : "pool2d", y.gradFn().name());
                        Backends.with(backend, () -> y.backward(dy, false));
                        grads[path] = x.grad().toFloatArray();
                        x.grad().fill(0f);
                    }
                    assertArrayEquals(grads[0], grads[1], backend.name() + " " + p);
                }
            }
        }
    }

    /** With the kill switch on, pooling and its workspace come from the reference and no primitive runs. */
    @Test
    void killSwitchRoutesToReference() {
        Pool2dParams p = Pool2dParams.max(2, 2, 0);
        try (OneDnnBackend routed = OneDnnBackend.create(java.util.Set.of("pool2d")); Scope scope = Scope.open()) {
            Tensor x = distinct(3, 1, 2, 4, 4);
            Tensor y = Tensor.empty(1, 2, 2, 2), dx = Tensor.empty(1, 2, 4, 4);
            Tensor workspace = Kernels.poolTraining(routed, p, x, y);
            Kernels.run(routed, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(y, workspace), dx);
            // the reference's workspace: one int32 index per output element, which the reference backward accepts
            assertEquals(y.numel(), workspace.numel());
            Tensor again = Tensor.empty(1, 2, 4, 4);
            Kernels.run(ReferenceBackend.INSTANCE, Pool2dOps.BACKWARD, Kernels.poolGrad(p, again), in(y, workspace), again);
            assertArrayEquals(dx.toFloatArray(), again.toFloatArray());
            assertEquals(0, routed.nativeExecutions("pool2d"));
        }
    }

    @Test
    void shapesFollowPyTorch() {
        // torch: MaxPool2d(3, 2, 1, ceil_mode=True) on 8x6 gives 5x4 (ceil) vs 4x3 (floor)
        assertEquals(Shape.of(1, 1, 5, 4), Pool2dShapes.infer(Pool2dParams.max(3, 2, 1).withCeilMode(true), Shape.of(1, 1, 8, 6)).output());
        assertEquals(Shape.of(1, 1, 4, 3), Pool2dShapes.infer(Pool2dParams.max(3, 2, 1), Shape.of(1, 1, 8, 6)).output());
        // the ceil-mode window that would start in the trailing padding is dropped: 5 with k2 s2 p1 -> 3, not 4
        assertEquals(Shape.of(1, 1, 3, 3), Pool2dShapes.infer(Pool2dParams.max(2, 2, 1).withCeilMode(true), Shape.of(1, 1, 5, 5)).output());
        assertEquals(Shape.of(1, 1, 2, 2), Pool2dShapes.infer(Pool2dParams.max(3, 1, 0).withDilation(2, 2), Shape.of(1, 1, 6, 6)).output());
    }

    @Test
    void invalidArgumentsAreRejectedWithClearMessages() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 2, 3, 3);
            assertMessage("maxpool2d: kernel 5 larger than padded input 3 along height",
                    () -> Pool2dShapes.infer(Pool2dParams.max(5, 1, 0), x.shape()));
            assertMessage("maxpool2d: padding 2 along height must be at most half the effective kernel 3",
                    () -> Pool2dShapes.infer(Pool2dParams.max(3, 1, 2), x.shape()));
            assertMessage("avgpool2d: input must be rank 4 (N, C, H, W), got [2, 3]",
                    () -> Pool2dShapes.infer(Pool2dParams.avg(1, 1, 0, true), Shape.of(2, 3)));
            assertMessage("maxpool2d: stride height must be in [1, 1048576], got 0",
                    () -> new Pool2dParams(PoolAlgorithm.MAX, 2, 2, 0, 1, 0, 0, 0, 0, 1, 1, false));
            assertMessage("maxpool2d: window 1 along height covers only padding (input 2, kernel 2, dilation 3)",
                    () -> Pool2dShapes.infer(Pool2dParams.max(2, 1, 2).withDilation(3, 1).withPadding(2, 2, 0, 0), Shape.of(1, 1, 2, 4)));
            Pool2dParams p = Pool2dParams.max(2, 1, 0);
            Tensor wrong = Tensor.empty(1, 2, 3, 3);
            assertMessage("pool2d: out shape [1, 2, 3, 3] != expected [1, 2, 2, 2]",
                    () -> Kernels.run(onednn, Pool2dOps.FORWARD, p, in(x), wrong));
            Tensor y = Tensor.empty(1, 2, 2, 2);
            Tensor dx = Tensor.empty(1, 2, 3, 3);
            assertMessage("maxpool2d backward: max pooling backward needs the workspace its forward filled",
                    () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(y, null), dx));
            Tensor own = Kernels.poolTraining(onednn, p, x, Tensor.empty(1, 2, 2, 2));
            Tensor fresh = Tensor.zeros(own.shape().dims()); // the right size, but no forward wrote it
            IllegalStateException unwritten = assertThrows(IllegalStateException.class,
                    () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(y, fresh), dx));
            assertTrue(unwritten.getMessage().contains("workspace holds no forward result"), unwritten.getMessage());
            Tensor foreign = Kernels.poolTraining(ReferenceBackend.INSTANCE, p, x, y);
            // A reference-made workspace (the forward fell back on NaN or -Inf) takes the backward there too.
            Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(y, foreign), dx);
            assertMessage("maxpool2d backward: workspace was made by the onednn backend, not reference",
                    () -> Kernels.run(ReferenceBackend.INSTANCE, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx),
                            in(y, own), dx));
            Pool2dParams other = Pool2dParams.max(2, 2, 0);
            assertMessage("maxpool2d backward: workspace was made for " + p + ", not " + other,
                    () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(other, Tensor.empty(1, 2, 4, 4)),
                            in(Tensor.empty(1, 2, 2, 2), own), Tensor.empty(1, 2, 4, 4)));
            assertMessage("avgpool2d backward: average pooling takes no workspace",
                    () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(Pool2dParams.avg(2, 1, 0, true), dx),
                            in(y, own), dx));
            assertEquals(null, Kernels.poolTraining(onednn, Pool2dParams.avg(2, 1, 0, true), x, Tensor.empty(1, 2, 2, 2)),
                    "average pooling makes no workspace");
            own.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(y, own), dx));
            assertEquals("pool2d_backward: workspace " + own.shape() + " is closed", closed.getMessage());
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
