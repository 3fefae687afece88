package org.jdnn.backend;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN 2-d pooling (max, average with and without padding counted) against the reference, forward for
 * inference and training and backward through the workspace, over fixed edge cases and seeded random shapes
 * (batch 1..4, channels 1..17, spatial 1..33, kernel 1..4, stride 1..3, padding up to half the kernel,
 * symmetric or per side, dilation 1 or 2, floor or ceil mode).
 *
 * <p>Inputs are a shuffled grid of distinct values, so no window has a tie and which maximum is picked never
 * depends on the tie rule (the reference takes the first in window order; {@link #tiesPickTheFirstMaximum}
 * checks that rule separately). Bounds: max forward exact; average forward and all backwards
 * |err| <= 1e-5 |ref| + 1e-6 (a handful of float32 additions per element).
 */
class Pool2dParityTest {

    record Case(Pool2dParams params, long[] shape, long seed) {
        @Override
        public String toString() {
            return params + " input " + Arrays.toString(shape) + " seed " + seed;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(Pool2dParams.max(2, 2, 0), new long[] {2, 3, 8, 8}, 1));
        cases.add(new Case(Pool2dParams.max(3, 2, 1), new long[] {1, 4, 7, 9}, 2));
        cases.add(new Case(Pool2dParams.max(3, 2, 1).withCeilMode(true), new long[] {2, 2, 8, 6}, 3));
        cases.add(new Case(Pool2dParams.avg(3, 2, 1, true).withCeilMode(true), new long[] {2, 3, 8, 6}, 4));
        cases.add(new Case(Pool2dParams.avg(3, 2, 1, false).withCeilMode(true), new long[] {2, 3, 8, 6}, 5));
        cases.add(new Case(Pool2dParams.avg(2, 3, 1, true).withCeilMode(true), new long[] {1, 2, 10, 11}, 6));
        cases.add(new Case(Pool2dParams.max(4, 1, 2).withPadding(0, 2, 1, 0), new long[] {3, 5, 9, 4}, 7));
        cases.add(new Case(Pool2dParams.avg(4, 2, 0, true).withPadding(2, 1, 0, 2), new long[] {1, 1, 6, 7}, 8));
        cases.add(new Case(Pool2dParams.max(3, 1, 1).withDilation(2, 2), new long[] {2, 3, 9, 9}, 9));
        cases.add(new Case(Pool2dParams.avg(2, 2, 1, false).withDilation(2, 1).withCeilMode(true), new long[] {1, 2, 7, 7}, 10));
        cases.add(new Case(Pool2dParams.max(1, 1, 0), new long[] {1, 1, 1, 1}, 11));
        cases.add(new Case(Pool2dParams.max(2, 1, 1), new long[] {4, 17, 1, 33}, 12));
        cases.add(new Case(Pool2dParams.avg(3, 3, 1, true).withKernel(3, 2), new long[] {1, 16, 33, 1}, 13));
        SplittableRandom random = new SplittableRandom(20261124);
        while (cases.size() < 45) {
            Case c = randomCase(random);
            try {
                Pool2dShapes.infer(c.params(), Shape.of(c.shape()));
                cases.add(c);
            } catch (IllegalArgumentException invalid) {
                // a kernel larger than the padded input and the like: draw again
            }
        }
        return cases;
    }

    private static Case randomCase(SplittableRandom random) {
        PoolAlgorithm algorithm = PoolAlgorithm.values()[random.nextInt(3)];
        long kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
        long dh = random.nextInt(5) == 0 ? 2 : 1, dw = random.nextInt(5) == 0 ? 2 : 1;
        long effH = (kh - 1) * dh + 1, effW = (kw - 1) * dw + 1;
        long top = random.nextInt((int) (effH / 2) + 1), left = random.nextInt((int) (effW / 2) + 1);
        boolean perSide = random.nextInt(4) == 0;
        long bottom = perSide ? random.nextInt((int) (effH / 2) + 1) : top;
        long right = perSide ? random.nextInt((int) (effW / 2) + 1) : left;
        Pool2dParams params = new Pool2dParams(algorithm, kh, kw, 1 + random.nextInt(3), 1 + random.nextInt(3),
                top, bottom, left, right, dh, dw, random.nextBoolean());
        long[] shape = {1 + random.nextInt(4), 1 + random.nextInt(17), 1 + random.nextInt(33), 1 + random.nextInt(33)};
        return new Case(params, shape, random.nextLong());
    }

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

    @ParameterizedTest
    @MethodSource("cases")
    void forwardAndBackwardMatchReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        ReferenceBackend reference = ReferenceBackend.INSTANCE;
        Pool2dParams p = c.params();
        boolean max = p.algorithm() == PoolAlgorithm.MAX;
        try (Scope scope = Scope.open()) {
            Tensor x = distinct(c.seed(), c.shape());
            Shape outShape = Pool2dShapes.infer(p, x.shape()).output();
            String context = c + " output " + outShape;
            double fwdTol = max ? 0 : 1e-5, fwdAbs = max ? 0 : 1e-6;

            // inference: no workspace
            Tensor expected = Tensor.empty(outShape);
            Tensor actual = Tensor.full(Float.NaN, outShape.dims());
            Kernels.run(reference, Pool2dOps.FORWARD, p, in(x), expected);
            long before = onednn.nativeExecutions("pool2d");
            Kernels.run(onednn, Pool2dOps.FORWARD, p, in(x), actual);
            assertTrue(onednn.nativeExecutions("pool2d") > before, "oneDNN pool2d did not run for " + context);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), fwdTol, fwdAbs, "inference forward " + context);

            // training: max pooling makes a workspace, which the backward then reads
            Tensor trained = Tensor.full(Float.NaN, outShape.dims());
            Tensor dnnWorkspace = Kernels.poolTraining(onednn, p, x, trained);
            Tensor refWorkspace = Kernels.poolTraining(reference, p, x, expected);
            assertEquals(max, dnnWorkspace != null, "workspace only for max pooling: " + context);
            Parity.assertClose(expected.toFloatArray(), trained.toFloatArray(), fwdTol, fwdAbs, "training forward " + context);

            Tensor dy = Tensor.randn(c.seed() + 1, outShape.dims());
            Tensor expectedDx = Tensor.empty(c.shape());
            Tensor actualDx = Tensor.full(Float.NaN, c.shape());
            Kernels.run(reference, Pool2dOps.BACKWARD, Kernels.poolGrad(p, expectedDx), in(dy, refWorkspace), expectedDx);
            before = onednn.nativeExecutions("pool2d");
            Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, actualDx), in(dy, dnnWorkspace), actualDx);
            assertTrue(onednn.nativeExecutions("pool2d") > before, "oneDNN pool2d backward did not run for " + context);
            Parity.assertClose(expectedDx.toFloatArray(), actualDx.toFloatArray(), 1e-5, 1e-6, "backward " + context);
        }
    }

    /**
     * Finite differences of the reference forward against its backward, {@code <c, J e_i>} for every input i
     * with a random cotangent c. Central differences with h = 1e-3 on distinct inputs at least 2/numel apart
     * (so no argmax changes); pooling is piecewise linear, so the only error is float32 rounding of the
     * outputs, ~1e-7 / h per term: bound 2e-3 absolute.
     */
    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        SplittableRandom random = new SplittableRandom(99);
        ReferenceBackend reference = ReferenceBackend.INSTANCE;
        int checked = 0;
        while (checked < 12) {
            Case c = randomCase(random);
            long[] shape = {1 + random.nextInt(2), 1 + random.nextInt(2), 2 + random.nextInt(6), 2 + random.nextInt(6)};
            Pool2dParams p = c.params();
            Shape outShape;
            try {
                outShape = Pool2dShapes.infer(p, Shape.of(shape)).output();
            } catch (IllegalArgumentException invalid) {
                continue;
            }
            checked++;
            String context = p + " input " + Arrays.toString(shape) + " seed " + c.seed();
            try (Scope scope = Scope.open()) {
                Tensor x = distinct(c.seed(), shape);
                Tensor cot = Tensor.randn(c.seed() + 1, outShape.dims());
                Tensor y = Tensor.empty(outShape);
                Tensor workspace = Kernels.poolTraining(reference, p, x, y);
                Tensor dx = Tensor.empty(shape);
                Kernels.run(reference, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(cot, workspace), dx);
                float[] analytic = dx.toFloatArray();
                float[] base = x.toFloatArray();
                float[] numeric = new float[base.length];
                double h = 1e-3;
                for (int i = 0; i < base.length; i++) {
                    numeric[i] = (float) ((loss(p, base, shape, i, h, cot, outShape) - loss(p, base, shape, i, -h, cot, outShape)) / (2 * h));
                }
                Parity.assertClose(numeric, analytic, 0, 2e-3, "finite differences " + context);
            }
        }
    }

    private static double loss(Pool2dParams p, float[] base, long[] shape, int i, double h, Tensor cot, Shape outShape) {
        float[] moved = base.clone();
        moved[i] = (float) (moved[i] + h);
        try (Tensor x = Tensor.of(moved, shape); Tensor y = Tensor.empty(outShape)) {
            Kernels.run(ReferenceBackend.INSTANCE, Pool2dOps.FORWARD, p, in(x), y);
            float[] out = y.toFloatArray();
            float[] c = cot.toFloatArray();
            double sum = 0;
            for (int k = 0; k < out.length; k++) {
                sum += (double) c[k] * out[k];
            }
            return sum;
        }
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
            Tensor expected = Backends.with(ReferenceBackend.INSTANCE, () -> Functional.maxPool2d(x, 3, 2, 1));
            long before = onednn.nativeExecutions("pool2d");
            Tensor actual = Backends.with(onednn, () -> Functional.maxPool2d(x, 3, 2, 1));
            assertTrue(onednn.nativeExecutions("pool2d") > before);
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
            Tensor avgRef = Backends.with(ReferenceBackend.INSTANCE, () -> Functional.avgPool2d(x, 2, 2, 1, false));
            Tensor avg = Backends.with(onednn, () -> Functional.avgPool2d(x, 2, 2, 1, false));
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
            assertMessage("maxpool2d backward: workspace was made by the reference backend, not onednn",
                    () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx), in(y, foreign), dx));
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
