package org.jdnn.backend.cuda;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row-major to column-major GEMM mapping: each plan is executed by a plain-Java model of cuBLAS's SGEMM (column
 * major, leading dimensions, strides, transposes exactly as cuBLAS reads them) on seeded data, and must give what the
 * reference backend's matmul gives, to float32 rounding (|err| <= 1e-5 (1 + |ref|), K <= 7).
 */
class GemmPlanTest {
    private static final long SEED = 20261203L;

    /** cuBLAS's {@code C = op(A) op(B)} (alpha 1, beta 0), column-major, for one call at the given element offsets. */
    private static void sgemm(GemmPlan p, float[] a, long offA, float[] b, long offB, float[] c, long offC) {
        for (int batch = 0; batch < p.batchCount(); batch++) {
            long baseA = offA + batch * p.strideA(), baseB = offB + batch * p.strideB(), baseC = offC + batch * p.strideC();
            for (int i = 0; i < p.m(); i++) {
                for (int j = 0; j < p.n(); j++) {
                    double sum = 0;
                    for (int l = 0; l < p.k(); l++) {
                        float opA = p.transa() == GemmPlan.OP_N ? a[(int) (baseA + i + (long) l * p.lda())]
                                : a[(int) (baseA + l + (long) i * p.lda())];
                        float opB = p.transb() == GemmPlan.OP_N ? b[(int) (baseB + l + (long) j * p.ldb())]
                                : b[(int) (baseB + j + (long) l * p.ldb())];
                        sum += (double) opA * opB;
                    }
                    c[(int) (baseC + i + (long) j * p.ldc())] = (float) sum;
                }
            }
        }
    }

    /** The plan run on the model: cuBLAS's first operand is jdnn's B, its second jdnn's A. */
    private static float[] runPlan(MatmulParams params, Tensor a, Tensor b) {
        MatmulShapes s = MatmulShapes.infer(a.shape(), b.shape(), null, params);
        GemmPlan plan = GemmPlan.of(s, params);
        float[] av = a.toFloatArray(), bv = b.toFloatArray();
        float[] c = new float[(int) s.output().numel()];
        if (plan.strided()) {
            sgemm(plan, bv, 0, av, 0, c, 0);
        } else {
            for (long[] at : plan.offsets()) {
                sgemm(plan, bv, at[0], av, at[1], c, at[2]);
            }
        }
        return c;
    }

    private static void check(MatmulParams params, long[] aDims, long[] bDims, boolean strided) {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(SEED, aDims);
            Tensor b = Tensor.randn(SEED + 1, bDims);
            MatmulShapes s = MatmulShapes.infer(a.shape(), b.shape(), null, params);
            Tensor expected = Tensor.empty(s.output());
            Dispatch.run(Backends.get(Backends.REFERENCE), MatmulOps.MATMUL, params, new Tensor[] {a, b, null},
                    new Tensor[] {expected});
            String what = Arrays.toString(aDims) + " @ " + Arrays.toString(bDims) + " " + params;
            assertEquals(strided, GemmPlan.of(s, params).strided(), what + ": one strided call?");
            float[] want = expected.toFloatArray(), got = runPlan(params, a, b);
            for (int i = 0; i < want.length; i++) {
                assertTrue(Math.abs(want[i] - got[i]) <= 1e-5 * (1 + Math.abs(want[i])),
                        what + " element " + i + ": reference " + want[i] + ", cuBLAS mapping " + got[i]);
            }
        }
    }

    @Test
    void plainAndTransposedMatrices() {
        check(MatmulParams.PLAIN, new long[] {3, 4}, new long[] {4, 5}, true);
        check(new MatmulParams(true, false), new long[] {4, 3}, new long[] {4, 5}, true);
        check(new MatmulParams(false, true), new long[] {3, 4}, new long[] {5, 4}, true);
        check(new MatmulParams(true, true), new long[] {4, 3}, new long[] {5, 4}, true);
        check(MatmulParams.PLAIN, new long[] {1, 7}, new long[] {7, 1}, true);
    }

    @Test
    void linearIsTheWeightUsedTransposedOverABatchOfRows() {
        check(MatmulOps.LINEAR, new long[] {2, 3, 4}, new long[] {6, 4}, true);
    }

    @Test
    void vectorsAreRowsOrColumnsWhateverTheirTransposeFlags() {
        check(MatmulParams.PLAIN, new long[] {4}, new long[] {4, 5}, true);
        check(MatmulParams.PLAIN, new long[] {3, 4}, new long[] {4}, true);
        check(MatmulParams.PLAIN, new long[] {4}, new long[] {4}, true);
        check(new MatmulParams(true, true), new long[] {4}, new long[] {4}, true);
        check(new MatmulParams(false, true), new long[] {2, 3, 4}, new long[] {4}, true);
    }

    @Test
    void batchesOfEqualOrSingleMatricesAreOneStridedCall() {
        check(MatmulParams.PLAIN, new long[] {2, 3, 4}, new long[] {2, 4, 5}, true); // bmm
        check(MatmulParams.PLAIN, new long[] {3, 4}, new long[] {2, 4, 5}, true); // A repeated: stride 0
        check(new MatmulParams(true, true), new long[] {2, 3, 4, 3}, new long[] {1, 1, 5, 4}, true);
    }

    @Test
    void aBatchBroadcastAlongSomeDimensionsOnlyIsOneCallPerMatrix() {
        check(MatmulParams.PLAIN, new long[] {2, 1, 3, 4}, new long[] {1, 3, 4, 2}, false);
        check(new MatmulParams(true, false), new long[] {3, 1, 4, 2}, new long[] {1, 2, 4, 5}, false);
    }

    @Test
    void theStridesOfAStridedPlan() {
        MatmulShapes s = MatmulShapes.infer(Shape.of(3, 4), Shape.of(2, 4, 5), null, MatmulParams.PLAIN);
        GemmPlan p = GemmPlan.of(s, MatmulParams.PLAIN);
        // cuBLAS: m = N = 5, n = M = 3, k = 4; its A is jdnn's B (4 x 5 per batch), its B is jdnn's A, shared.
        assertEquals(Arrays.toString(new long[] {0, 0, 5, 3, 4, 5, 4, 5, 20, 0, 15, 2}), Arrays.toString(new long[] {
                p.transa(), p.transb(), p.m(), p.n(), p.k(), p.lda(), p.ldb(), p.ldc(), p.strideA(), p.strideB(),
                p.strideC(), p.batchCount()}));
    }

    @Test
    void dimensionsBeyondCublassIntRangeAreNamed() {
        MatmulShapes big = MatmulShapes.infer(Shape.of(1L << 31, 1), Shape.of(1, 2), null, MatmulParams.PLAIN);
        assertEquals("a matrix dimension or the batch count is above cuBLAS's int range (2147483648)",
                GemmPlan.unsupported(big));
        assertNull(GemmPlan.unsupported(MatmulShapes.infer(Shape.of(3, 4), Shape.of(4, 5), null, MatmulParams.PLAIN)));
        assertFalse(GemmPlan.of(MatmulShapes.infer(Shape.of(2, 1, 3, 4), Shape.of(1, 3, 4, 2), null,
                MatmulParams.PLAIN), MatmulParams.PLAIN).strided());
    }
}
