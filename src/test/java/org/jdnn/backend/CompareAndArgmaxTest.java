package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.jdnn.testing.RandomShapes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison op (a 0/1 mask, with broadcasting, IEEE on NaN) and argmax along one axis (PyTorch's: first maximum
 * on ties, NaN is the maximum), on every CPU backend: closed-form values, NaN, ties, broadcasting, then seeded random
 * parity of oneDNN against the reference (exact: both produce 0/1 or integer indices).
 */
class CompareAndArgmaxTest {
    private static final float NAN = Float.NaN;

    private static List<Backend> backends() {
        return List.of(ReferenceBackend.INSTANCE, Parity.onednn("binary"));
    }

    private static float[] compare(Backend backend, CompareAlgorithm algorithm, Tensor a, Tensor b) {
        Tensor out = Tensor.full(7f, org.jdnn.ops.BroadcastShapes.broadcast("test", a.shape(), b.shape()).dims());
        Kernels.run(backend, BinaryOps.COMPARE, new BinaryOps.CompareParams(algorithm), in(a, b), out);
        return out.toFloatArray();
    }

    @Test
    void compareGivesAMaskOfTheBroadcastShape() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor b = Tensor.of(new float[] {2, 2, 5}, 3); // broadcast along rows
            float[][] expected = {
                    {0, 1, 0, 0, 0, 0}, // EQ
                    {1, 0, 1, 1, 1, 1}, // NE
                    {1, 0, 1, 0, 0, 0}, // LT
                    {1, 1, 1, 0, 0, 0}, // LE
                    {0, 0, 0, 1, 1, 1}, // GT
                    {0, 1, 0, 1, 1, 1}, // GE
            };
            for (Backend backend : backends()) {
                for (CompareAlgorithm algorithm : CompareAlgorithm.values()) {
                    assertArrayEquals(expected[algorithm.ordinal()], compare(backend, algorithm, a, b),
                            backend.name() + " " + algorithm);
                }
                // b broadcast the other way: (2, 1) against (3): the result is (2, 3).
                Tensor column = Tensor.of(new float[] {2, 5}, 2, 1);
                assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0},
                        compare(backend, CompareAlgorithm.EQ, column, Tensor.of(1f, 2f, 3f)), backend.name());
            }
        }
    }

    @Test
    void everyComparisonWithNaNIsFalseButNotEqual() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.of(NAN, 1f, NAN, Float.POSITIVE_INFINITY, -0f);
            Tensor b = Tensor.of(1f, NAN, NAN, Float.POSITIVE_INFINITY, 0f);
            for (Backend backend : backends()) {
                for (CompareAlgorithm algorithm : CompareAlgorithm.values()) {
                    float[] expected = new float[5];
                    float[] av = a.toFloatArray(), bv = b.toFloatArray();
                    for (int i = 0; i < 5; i++) {
                        expected[i] = algorithm.test(av[i], bv[i]) ? 1 : 0;
                    }
                    assertEquals(algorithm == CompareAlgorithm.NE ? 1f : 0f, expected[0]);
                    assertArrayEquals(expected, compare(backend, algorithm, a, b), backend.name() + " " + algorithm);
                }
            }
        }
    }

    @Test
    void compareMatchesTheReferenceOnRandomBroadcasts() {
        SplittableRandom random = new SplittableRandom(61);
        try (Scope scope = Scope.open()) {
            for (int i = 0; i < 40; i++) {
                long[] out = RandomShapes.shape(random, 1 + random.nextInt(4), 3000);
                long[] aDims = RandomShapes.broadcastOperand(random, out), bDims = RandomShapes.broadcastOperand(random, out);
                // Few distinct values, so equalities are common; a few NaNs.
                Tensor a = values(random, aDims), b = values(random, bDims);
                CompareAlgorithm algorithm = CompareAlgorithm.values()[i % 6];
                assertArrayEquals(compare(ReferenceBackend.INSTANCE, algorithm, a, b),
                        compare(Parity.onednn("binary"), algorithm, a, b), algorithm + " " + a.shape() + " " + b.shape());
            }
        }
    }

    private static Tensor values(SplittableRandom random, long[] dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(50) == 0 ? NAN : random.nextInt(4) - 1.5f;
        }
        return Tensor.of(v, dims);
    }

    /**
     * maximum/minimum's gradient comes from the comparison ops: to the operand that wins, half to each at a tie
     * (PyTorch's derivatives.yaml); the scalar max (clamp_min's form) keeps the whole gradient at its tie.
     */
    @Test
    void maximumAndMinimumGradientsFollowTheMask() {
        for (Backend backend : backends()) {
            Backends.with(backend, () -> {
                try (Scope scope = Scope.open()) {
                    Tensor a = Tensor.of(new float[] {1, 5, 2, 7, 3, 3}, 2, 3).requiresGrad(true);
                    Tensor b = Tensor.of(new float[] {2, 5, 1}, 3).requiresGrad(true); // broadcast over rows
                    F.sum(F.mul(F.maximum(a, b), Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))).backward();
                    // max: row 0 picks b, tie (half each), a; row 1 picks a, b (3 < 5), a.
                    assertArrayEquals(new float[] {0, 1, 3, 4, 0, 6}, a.grad().toFloatArray(), backend.name());
                    assertArrayEquals(new float[] {1, 1 + 5, 0}, b.grad().toFloatArray(), backend.name());
                    Tensor c = Tensor.of(4f, 1f, 2f).requiresGrad(true);
                    F.sum(F.minimum(c, Tensor.of(2f, 2f, 2f))).backward();
                    assertArrayEquals(new float[] {0, 1, 0.5f}, c.grad().toFloatArray(), backend.name());
                    Tensor d = Tensor.of(-2f, 0f, 3f).requiresGrad(true);
                    F.sum(F.mul(F.binary(org.jdnn.ops.BinaryAlgorithm.MAX, d, 0f), Tensor.of(1f, 2f, 3f))).backward();
                    assertArrayEquals(new float[] {0, 2, 3}, d.grad().toFloatArray(), backend.name() + " scalar max");
                }
            });
        }
    }

    private static float[] argmax(Backend backend, Tensor x, int axis, boolean keepDim, long... outDims) {
        Tensor out = Tensor.full(-1f, outDims);
        Kernels.run(backend, ReductionOps.ARGMAX, new ReductionOps.ArgmaxParams(axis, keepDim), in(x), out);
        return out.toFloatArray();
    }

    @Test
    void argmaxTakesTheFirstMaximumAndNaNAsTheMaximum() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {
                    1, 3, 3, 0,                 // a tie: the first
                    5, NAN, 9, NAN,             // NaN is the maximum: the first NaN
                    NAN, NAN, NAN, NAN,         // all NaN: 0
                    Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, -1, -1}, 4, 4);
            for (Backend backend : backends()) {
                assertArrayEquals(new float[] {1, 1, 0, 2}, argmax(backend, x, 1, false, 4), backend.name());
                assertArrayEquals(new float[] {1, 1, 0, 2}, argmax(backend, x, -1, true, 4, 1), backend.name() + " keepDim");
                // Over rows (inner size 4): columns {1,5,NaN,-inf} {3,NaN,NaN,-inf} {3,9,NaN,-1} {0,NaN,NaN,-1}.
                assertArrayEquals(new float[] {2, 1, 2, 1}, argmax(backend, x, 0, false, 4), backend.name() + " axis 0");
                assertArrayEquals(new float[] {2, 1, 2, 1}, argmax(backend, x, -2, true, 1, 4), backend.name());
                Tensor ties = Tensor.of(new float[] {2, 2, 2, 1, 2, 2}, 2, 3);
                assertArrayEquals(new float[] {0, 0, 0}, argmax(backend, ties, 0, false, 3), backend.name() + " ties");
            }
        }
    }

    @Test
    void argmaxOverAMiddleAxisAndLongAxesIsExact() {
        try (Scope scope = Scope.open()) {
            // (2, 3, 2): the maximum along axis 1 for each (outer, inner).
            Tensor x = Tensor.of(new float[] {0, 9, 4, 9, 4, 1, /**/ 7, NAN, 7, 0, 8, 0}, 2, 3, 2);
            int n = 70_001;
            float[] ramp = new float[n];
            for (int i = 0; i < n; i++) {
                ramp[i] = i % 1000;
            }
            ramp[n - 2] = 1000; // the last maximum is near the end: its index needs 17 bits
            Tensor long_ = Tensor.of(ramp, 1, n);
            for (Backend backend : backends()) {
                assertArrayEquals(new float[] {1, 0, 2, 0}, argmax(backend, x, 1, false, 2, 2), backend.name());
                assertArrayEquals(new float[] {n - 2}, argmax(backend, long_, 1, false, 1), backend.name());
                assertArrayEquals(new float[] {0}, argmax(backend, Tensor.of(new float[] {5}, 1), 0, false), backend.name());
            }
        }
    }

    @Test
    void argmaxMatchesTheReferenceOnRandomShapes() {
        SplittableRandom random = new SplittableRandom(62);
        try (Scope scope = Scope.open()) {
            for (int i = 0; i < 40; i++) {
                int rank = 1 + random.nextInt(4);
                long[] dims = RandomShapes.shape(random, rank, 3000);
                int axis = random.nextInt(-rank, rank);
                boolean keepDim = random.nextBoolean();
                Tensor x = values(random, dims);
                Tensor expected = Functional.argmax(x, axis, keepDim);
                long[] out = expected.dims();
                assertArrayEquals(expected.toFloatArray(), argmax(ReferenceBackend.INSTANCE, x, axis, keepDim, out));
                assertArrayEquals(expected.toFloatArray(), argmax(Parity.onednn("reduction"), x, axis, keepDim, out),
                        x.shape() + " axis " + axis);
            }
        }
    }

    @Test
    void argmaxRejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.argmax(Tensor.randn(1, 2, 3), 2, false));
            assertTrue(e.getMessage().startsWith("argmax: axis 2 is out of range for shape [2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Functional.argmax(Tensor.empty(2, 0), 1, false));
            assertTrue(e.getMessage().contains("argmax: cannot take the argmax over zero elements"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Functional.argmax(Tensor.scalar(1f), 0, false));
            assertTrue(e.getMessage().contains("rank >= 1"), e.getMessage());
            // An empty batch has empty indices.
            assertEquals(Shape.of(0), Functional.argmax(Tensor.empty(0, 3), 1, false).shape());
        }
    }
}
