package org.jdnn.backend;

import org.jdnn.backend.onednn.KernelPaths;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two layout paths of oneDNN pooling: blocked (dense windows: the plain tensors are reordered to oneDNN's
 * nChw8c / nChw16c and back, the workspace stays blocked) and plain (dilated windows, which have no jit kernel in any
 * layout). Each case names its path, asserts it through {@link KernelPaths#POOL2D_BLOCKED} for the inference
 * forward, the training forward and the backward through the workspace, and holds every result to the reference
 * with {@link Pool2dParityTest}'s bounds: max forward exact on distinct inputs, average forward and all backwards
 * {@code |err| <= 1e-5 |ref| + 1e-6}. The shapes include the LeNet pools and channel counts that are not a multiple
 * of the block (1, 6, 17), whose padding lanes must not leak into the results.
 */
class PoolingLayoutPathTest {

    record Case(String name, Pool2dParams params, long[] shape, boolean blocked, long seed) {
        @Override
        public String toString() {
            return name + ": " + params + " input " + Arrays.toString(shape) + " seed " + seed;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("LeNet pool1", Pool2dParams.max(2, 2, 0), new long[] {8, 6, 28, 28}, true, 1),
                new Case("LeNet pool2", Pool2dParams.max(2, 2, 0), new long[] {8, 16, 10, 10}, true, 2),
                new Case("one channel", Pool2dParams.max(2, 2, 0), new long[] {3, 1, 9, 9}, true, 3),
                new Case("overlapping, padded", Pool2dParams.max(3, 2, 1), new long[] {2, 17, 13, 11}, true, 4),
                new Case("ceil mode", Pool2dParams.max(3, 2, 0).withCeilMode(true), new long[] {2, 9, 8, 10}, true, 5),
                new Case("average counting padding", Pool2dParams.avg(3, 2, 1, true), new long[] {2, 6, 12, 12}, true, 6),
                new Case("average excluding padding", Pool2dParams.avg(3, 1, 1, false), new long[] {2, 17, 7, 9}, true, 7),
                new Case("average, ceil overhang", Pool2dParams.avg(3, 2, 1, true).withCeilMode(true),
                        new long[] {2, 10, 8, 6}, true, 8),
                new Case("dilated max", Pool2dParams.max(3, 1, 1).withDilation(2, 2), new long[] {2, 6, 9, 9}, false, 9),
                new Case("dilated average", Pool2dParams.avg(2, 2, 0, true).withDilation(1, 2), new long[] {2, 3, 8, 8}, false, 10));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachPassTakesItsLayoutPathAndMatchesTheReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        ReferenceBackend reference = ReferenceBackend.INSTANCE;
        Pool2dParams p = c.params();
        boolean max = p.algorithm() == PoolAlgorithm.MAX;
        double rtol = max ? 0 : 1e-5, atol = max ? 0 : 1e-6;
        try (Scope scope = Scope.open()) {
            Tensor x = Pool2dParityTest.distinct(c.seed(), c.shape());
            Shape out = Pool2dShapes.infer(p, x.shape()).output();

            Tensor expected = Tensor.empty(out), actual = Tensor.full(Float.NaN, out.dims());
            Kernels.run(reference, Pool2dOps.FORWARD, p, in(x), expected);
            onPath(c, "inference forward", () -> Kernels.run(onednn, Pool2dOps.FORWARD, p, in(x), actual));
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), rtol, atol, c + " inference forward");

            Tensor trained = Tensor.full(Float.NaN, out.dims());
            Tensor refWorkspace = Kernels.poolTraining(reference, p, x, expected);
            Tensor[] workspace = new Tensor[1];
            onPath(c, "training forward", () -> workspace[0] = Kernels.poolTraining(onednn, p, x, trained));
            Parity.assertClose(expected.toFloatArray(), trained.toFloatArray(), rtol, atol, c + " training forward");

            Tensor dy = Tensor.randn(c.seed() + 1, out.dims());
            Tensor expectedDx = Tensor.empty(x.shape()), dx = Tensor.full(Float.NaN, x.shape().dims());
            Kernels.run(reference, Pool2dOps.BACKWARD, Kernels.poolGrad(p, expectedDx), in(dy, refWorkspace), expectedDx);
            onPath(c, "backward", () -> Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, dx),
                    in(dy, workspace[0]), dx));
            Parity.assertClose(expectedDx.toFloatArray(), dx.toFloatArray(), 1e-5, 1e-6, c + " backward");
        }
    }

    /** Runs one pass on oneDNN and asserts it ran natively, on the blocked path exactly when the case says so. */
    private static void onPath(Case c, String pass, Runnable kernel) {
        OneDnnBackend onednn = OneDnnBackend.shared();
        long native0 = onednn.nativeExecutions("pool2d");
        long blocked0 = KernelPaths.executions(KernelPaths.POOL2D_BLOCKED);
        kernel.run();
        assertTrue(onednn.nativeExecutions("pool2d") > native0, "oneDNN pool2d did not run for " + c + " " + pass);
        assertEquals(c.blocked(), KernelPaths.executions(KernelPaths.POOL2D_BLOCKED) > blocked0,
                c + " " + pass + ": expected the " + (c.blocked() ? "blocked" : "plain") + " layout path");
    }
}
