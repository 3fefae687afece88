package org.jdnn.backend;

import org.jdnn.backend.onednn.KernelPaths;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two forms of oneDNN sums and means: over a leading run of axes (a linear layer's bias gradient) they run as
 * the matmul ones(1, M) @ src(M, N); any other axis set, and max, on oneDNN's reduction primitive. Each case names
 * its path, asserts it through {@link KernelPaths#REDUCTION_MATMUL} and holds the result to the reference with
 * {@link ReductionParityTest}'s forward bounds for N(0,1) inputs: {@code |err| <= 1e-5 |ref| + 1e-5 sqrt(n)} for sum,
 * {@code 1e-5 |ref| + 1e-5 / sqrt(n)} for mean, exact for max (n = elements per output).
 */
class ReductionMatmulPathTest {

    record Case(ReductionAlgorithm algorithm, long[] shape, int[] axes, boolean keepDim, boolean matmul, long seed) {
        ReductionParams params() {
            return ReductionParams.of(algorithm, keepDim, axes);
        }

        @Override
        public String toString() {
            return algorithm.opName() + " shape " + Arrays.toString(shape) + " axes " + Arrays.toString(axes)
                    + " keepDim " + keepDim + " seed " + seed;
        }
    }

    static List<Case> cases() {
        ReductionAlgorithm sum = ReductionAlgorithm.SUM, mean = ReductionAlgorithm.MEAN, max = ReductionAlgorithm.MAX;
        return List.of(
                new Case(sum, new long[] {128, 120}, new int[] {0}, false, true, 1), // LeNet fc1 bias gradient
                new Case(sum, new long[] {128, 10}, new int[] {0}, true, true, 2),
                new Case(mean, new long[] {37, 5}, new int[] {0}, false, true, 3),
                new Case(sum, new long[] {4, 6, 3, 5}, new int[] {0, 1}, false, true, 4),
                new Case(mean, new long[] {3, 1, 7}, new int[] {0, 1}, true, true, 5),
                new Case(sum, new long[] {1, 9, 4}, new int[] {0, 1}, false, true, 6), // a size-1 leading axis
                new Case(sum, new long[] {6, 1}, new int[] {0}, false, false, 7), // nothing kept but a 1: full reduction
                new Case(sum, new long[] {5, 8}, new int[] {1}, false, false, 8), // trailing axis
                new Case(mean, new long[] {3, 4, 5}, new int[] {1}, false, false, 9), // middle axis
                new Case(sum, new long[] {3, 4, 5}, new int[] {0, 2}, false, false, 10), // not a leading run
                new Case(sum, new long[] {7, 9}, new int[] {0, 1}, false, false, 11), // all axes
                new Case(max, new long[] {128, 84}, new int[] {0}, false, false, 12));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachFormTakesItsPathAndMatchesTheReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("reduction");
        ReductionShapes shapes = ReductionShapes.infer(c.params(), Shape.of(c.shape()));
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.shape());
            Tensor expected = Tensor.empty(shapes.output()), actual = Tensor.full(Float.NaN, shapes.output().dims());
            Kernels.reduce(ReferenceBackend.INSTANCE, c.params(), x, expected);
            long native0 = onednn.nativeExecutions("reduction");
            long matmul0 = KernelPaths.executions(KernelPaths.REDUCTION_MATMUL);
            Kernels.reduce(onednn, c.params(), x, actual);
            assertTrue(onednn.nativeExecutions("reduction") > native0, "oneDNN reduction did not run for " + c);
            assertEquals(c.matmul(), KernelPaths.executions(KernelPaths.REDUCTION_MATMUL) > matmul0,
                    c + ": expected the " + (c.matmul() ? "matmul" : "reduction primitive") + " path");
            long n = shapes.reductionSize();
            double rtol = c.algorithm() == ReductionAlgorithm.MAX ? 0 : 1e-5;
            double atol = switch (c.algorithm()) {
                case SUM -> 1e-5 * Math.sqrt(n);
                case MEAN -> 1e-5 / Math.sqrt(n);
                case MAX -> 0;
            };
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), rtol, atol, c + " out " + shapes.output());
        }
    }

    /** Broadcasting's gradient (sumToShape) over leading axes, e.g. a bias added to a batch, takes the matmul too. */
    @Test
    void sumToShapeOverLeadingAxesRunsAsMatmul() {
        OneDnnBackend onednn = Parity.onednn("reduction");
        try (Scope scope = Scope.open()) {
            Tensor grad = Tensor.randn(13, 64, 84);
            Tensor expected = Tensor.empty(84), actual = Tensor.full(Float.NaN, 84);
            Kernels.run(ReferenceBackend.INSTANCE, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(expected), in(grad), expected);
            long matmul0 = KernelPaths.executions(KernelPaths.REDUCTION_MATMUL);
            Kernels.run(onednn, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(actual), in(grad), actual);
            assertTrue(KernelPaths.executions(KernelPaths.REDUCTION_MATMUL) > matmul0, "sumToShape [64, 84] -> [84]: no matmul");
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, 1e-5 * Math.sqrt(64),
                    "sumToShape [64, 84] -> [84] seed 13");
        }
    }
}
