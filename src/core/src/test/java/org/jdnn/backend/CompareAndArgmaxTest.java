package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.CompareAlgorithm;
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

/**
 * The float mask comparison op (a 0/1 mask, with broadcasting, IEEE on NaN) on every CPU backend: closed-form values,
 * NaN, broadcasting, then seeded random parity of oneDNN against the reference (exact: both produce 0/1). The int64
 * argmax and the bool comparisons are tested in {@code org.jdnn.ops.IntegerAndBoolOpsTest} and the op matrix.
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
}
