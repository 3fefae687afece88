package org.jdnn.backend.cuda;

import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.Shape;

/**
 * A row-major matmul {@code C = op(A) op(B)} as cuBLAS calls, which are column-major. A row-major (r x c) matrix is
 * the column-major (c x r) matrix with leading dimension c, its transpose; so cuBLAS computes
 * {@code C^T = op(B)^T op(A)^T} with B as its first operand and A as its second, m = N, n = M, k = K, ldc = N:
 * <ul>
 * <li>B stored (K, N) is column-major op(B)^T as it is: no transpose, lda = N; stored (N, K) (transposeB) it is
 * op(B) column-major, so cuBLAS transposes it, lda = K.</li>
 * <li>A stored (M, K) is column-major op(A)^T: no transpose, ldb = K; stored (K, M) (transposeA), transposed, ldb = M.</li>
 * </ul>
 * A 1-D operand is read as the (1, K) or (K, 1) matrix whatever its transpose flag says. Batches: when each
 * operand's batch is either the whole output batch or a single matrix, one strided batched call does it (stride 0
 * repeats the single matrix); otherwise (a batch broadcast along some dimensions only) one call per output matrix,
 * with offsets found by broadcasting. All counts are in elements.
 *
 * @param transa    cuBLAS's op on its first operand (B): 0 = N, 1 = T
 * @param transb    cuBLAS's op on its second operand (A)
 * @param strideA   elements between batches of B (0: one matrix for every batch)
 * @param strideB   elements between batches of A
 * @param strideC   elements between batches of C
 * @param offsets   per call, where that call's B, A and C start (null for one strided call)
 */
record GemmPlan(int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc, long strideA, long strideB,
                long strideC, int batchCount, long[][] offsets) {
    static final int OP_N = 0;
    static final int OP_T = 1;

    /** Why cuBLAS cannot take these shapes (a dimension past its int range), or null when it can. */
    static String unsupported(MatmulShapes s) {
        long largest = Math.max(Math.max(s.m(), s.n()), Math.max(s.k(), s.batchCount()));
        return largest > Integer.MAX_VALUE ? "a matrix dimension or the batch count is above cuBLAS's int range ("
                + largest + ")" : null;
    }

    /** The plan for {@code s} (from {@link MatmulShapes#infer}) with {@code p}'s transposes; needs m, n, k, batch > 0. */
    static GemmPlan of(MatmulShapes s, MatmulParams p) {
        String why = unsupported(s);
        if (why != null) {
            throw new IllegalArgumentException("matmul on cuda: " + why);
        }
        int m = (int) s.m(), n = (int) s.n(), k = (int) s.k();
        boolean transposeA = p.transposeA() && !s.vectorA();
        boolean transposeB = p.transposeB() && !s.vectorB();
        int transa = transposeB ? OP_T : OP_N;
        int lda = transposeB ? k : n;
        int transb = transposeA ? OP_T : OP_N;
        int ldb = transposeA ? m : k;
        long matrixA = (long) m * k, matrixB = (long) k * n, matrixC = (long) m * n;
        int batches = (int) s.batchCount();
        boolean wholeA = s.batchA().equals(s.batch()), singleA = s.batchA().numel() == 1;
        boolean wholeB = s.batchB().equals(s.batch()), singleB = s.batchB().numel() == 1;
        if ((wholeA || singleA) && (wholeB || singleB)) {
            long strideOfB = wholeB && !singleB ? matrixB : 0;
            long strideOfA = wholeA && !singleA ? matrixA : 0;
            return new GemmPlan(transa, transb, n, m, k, lda, ldb, n, strideOfB, strideOfA, matrixC, batches, null);
        }
        long[][] offsets = new long[batches][];
        for (int batch = 0; batch < batches; batch++) {
            offsets[batch] = new long[] {broadcastIndex(s.batchB(), s.batch(), batch) * matrixB,
                    broadcastIndex(s.batchA(), s.batch(), batch) * matrixA, batch * matrixC};
        }
        return new GemmPlan(transa, transb, n, m, k, lda, ldb, n, 0, 0, matrixC, 1, offsets);
    }

    /** The flat index in {@code operand} (its batch padded to {@code batch}'s rank) of the output batch {@code flat}. */
    static long broadcastIndex(Shape operand, Shape batch, long flat) {
        long index = 0, stride = 1, rest = flat;
        for (int d = batch.rank() - 1; d >= 0; d--) {
            long size = batch.dim(d);
            long coordinate = rest % size;
            rest /= size;
            long own = operand.dim(d);
            index += (own == 1 ? 0 : coordinate) * stride;
            stride *= own;
        }
        return index;
    }

    @Override
    public String toString() {
        return "transa " + transa + " transb " + transb + " m " + m + " n " + n + " k " + k + " lda " + lda + " ldb "
                + ldb + " ldc " + ldc + (strided() ? " strides " + strideA + "," + strideB + "," + strideC + " batch "
                + batchCount : " " + offsets.length + " calls");
    }

    /** Whether one strided batched call does the whole product. */
    boolean strided() {
        return offsets == null;
    }
}
