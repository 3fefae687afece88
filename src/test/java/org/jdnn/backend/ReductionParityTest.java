package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradCheck;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.jdnn.testing.RandomShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN sum, mean and max over random axis sets (negative, all, none-given = all) with and without keepDim,
 * forward and backward, against the reference, over seeded random shapes with N(0,1) inputs.
 * Bounds: forward |err| <= 1e-5 |ref| + 1e-5 sqrt(n) for sum (n = elements per output; float accumulation
 * grows like sqrt(n)), 1e-5 |ref| + 1e-5 / sqrt(n) for mean, exact for max; backward |err| <= 1e-6 |ref| + 1e-7
 * (a copy, or one multiply by 1/n against the reference's division) and exact for max.
 */
class ReductionParityTest {

    record Case(ReductionAlgorithm algorithm, long[] shape, int[] axes, boolean keepDim, long seed) {
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
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(51);
        for (ReductionAlgorithm algorithm : ReductionAlgorithm.values()) {
            for (int i = 0; i < 14; i++) {
                int rank = 1 + random.nextInt(4);
                long[] shape = RandomShapes.shape(random, rank, 6000);
                List<Integer> axes = new ArrayList<>();
                for (int d = 0; d < rank; d++) {
                    if (random.nextInt(3) == 0) {
                        axes.add(random.nextBoolean() ? d : d - rank);
                    }
                }
                if (axes.isEmpty() && i % 3 != 0) {
                    axes.add(random.nextInt(-rank, rank));
                }
                cases.add(new Case(algorithm, shape, axes.stream().mapToInt(Integer::intValue).toArray(),
                        random.nextBoolean(), random.nextLong()));
            }
        }
        return cases;
    }

    static double forwardAtol(Case c, long n) {
        return switch (c.algorithm()) {
            case SUM -> 1e-5 * Math.sqrt(n);
            case MEAN -> 1e-5 / Math.sqrt(n);
            case MAX -> 0;
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("reduction");
        ReductionShapes shapes = ReductionShapes.infer(c.params(), Shape.of(c.shape()));
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.shape());
            Tensor expected = Tensor.empty(shapes.output());
            Tensor actual = Tensor.full(Float.NaN, shapes.output().dims());
            Kernels.reduce(ReferenceBackend.INSTANCE, c.params(), x, expected);
            long before = onednn.nativeExecutions("reduction");
            Kernels.reduce(onednn, c.params(), x, actual);
            if (shapes.reductionSize() > 1) {
                assertTrue(onednn.nativeExecutions("reduction") > before, "oneDNN reduction did not run for " + c);
            }
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), c.algorithm() == ReductionAlgorithm.MAX ? 0 : 1e-5,
                    forwardAtol(c, shapes.reductionSize()), "forward " + c + " out " + shapes.output());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("reduction");
        ReductionShapes shapes = ReductionShapes.infer(c.params(), Shape.of(c.shape()));
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.shape());
            Tensor y = Tensor.empty(shapes.output());
            Kernels.reduce(ReferenceBackend.INSTANCE, c.params(), x, y);
            Tensor dy = Tensor.randn(c.seed() + 1, shapes.output().dims());
            Tensor expected = Tensor.empty(c.shape());
            Tensor actual = Tensor.full(Float.NaN, c.shape());
            Kernels.reduceBackward(ReferenceBackend.INSTANCE, c.params(), x, y, dy, expected);
            long before = onednn.nativeExecutions("reduction");
            Kernels.reduceBackward(onednn, c.params(), x, y, dy, actual);
            if (shapes.reductionSize() > 1) {
                assertTrue(onednn.nativeExecutions("reduction") > before, "oneDNN reduction backward did not run for " + c);
            }
            boolean exact = c.algorithm() == ReductionAlgorithm.MAX;
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), exact ? 0 : 1e-6, exact ? 0 : 1e-7,
                    "backward " + c + " out " + shapes.output());
        }
    }

    /** Central differences (step 1e-3, distinct inputs so max is differentiable) against the reference backward. */
    @ParameterizedTest
    @MethodSource("smallCases")
    void referenceBackwardMatchesFiniteDifferences(Case c) {
        ReductionShapes shapes = ReductionShapes.infer(c.params(), Shape.of(c.shape()));
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.shape());
            Tensor y = Functional.reduce(c.params(), x);
            Tensor weights = Tensor.randn(c.seed() + 1, shapes.output().dims());
            Tensor dx = Tensor.empty(c.shape());
            Kernels.reduceBackward(ReferenceBackend.INSTANCE, c.params(), x, y, weights, dx);
            GradCheck.check(in -> {
                Tensor out = Tensor.empty(shapes.output());
                Kernels.reduce(ReferenceBackend.INSTANCE, c.params(), in, out);
                return out;
            }, x, weights, dx, 1e-3, 1e-2, 1e-3, "finite differences " + c);
        }
    }

    static List<Case> smallCases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(52);
        for (ReductionAlgorithm algorithm : ReductionAlgorithm.values()) {
            for (int i = 0; i < 3; i++) {
                int rank = 1 + random.nextInt(3);
                long[] shape = RandomShapes.shape(random, rank, 30);
                cases.add(new Case(algorithm, shape, new int[] {random.nextInt(-rank, rank)}, i == 1, random.nextLong()));
            }
        }
        return cases;
    }

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
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.sum(x, false, 2));
            assertTrue(e.getMessage().startsWith("sum: axis 2 is out of range for shape [2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Functional.mean(x, false, 1, -1));
            assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Functional.max(Tensor.empty(0, 3), false, 0));
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
