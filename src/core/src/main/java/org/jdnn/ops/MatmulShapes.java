package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of matmul, {@code torch.matmul}'s: {@code out[...] = op(A[...]) @ op(B[...]) (+ bias)}.
 * <ul>
 * <li>The last two dimensions of each operand are the matrix, (M, K) and (K, N) as used (stored (K, M) or (N, K)
 * where {@link MatmulParams} says transposed); the dimensions before them are batch dimensions, which broadcast as
 * NumPy's (aligned at the end, a missing or size-1 dimension takes the other's size), to any rank.</li>
 * <li>A 1-D A is the row (1, K) and a 1-D B the column (K, 1), whatever the transposes say (a vector reads the same
 * either way); that unit dimension is removed from the output, so two 1-D operands give their dot product, rank 0.</li>
 * <li>K may be 0: the product sums nothing and is zero (plus the bias).</li>
 * <li>Bias, if present, has shape (N) and is added to every row; where B is 1-D (N = 1, the column removed) it has
 * shape (1) or ().</li>
 * </ul>
 *
 * @param batchA A's batch dimensions, padded with leading 1s to the rank of {@code batch}
 * @param batchB B's batch dimensions, likewise
 * @param batch  the broadcast batch dimensions of the output
 * @param vectorA whether A is 1-D (M = 1, not in the output)
 * @param vectorB whether B is 1-D (N = 1, not in the output)
 */
public record MatmulShapes(Shape batchA, Shape batchB, Shape batch, long m, long k, long n, boolean vectorA,
                           boolean vectorB, boolean hasBias, Shape output) {

    /** Validates the operands and infers the output shape; throws IllegalArgumentException naming the op and shapes. */
    public static MatmulShapes infer(Shape a, Shape b, Shape bias, MatmulParams params) {
        return infer("matmul", a, b, bias, params);
    }

    /** As {@link #infer(Shape, Shape, Shape, MatmulParams)}, with messages naming {@code op}. */
    public static MatmulShapes infer(String op, Shape a, Shape b, Shape bias, MatmulParams params) {
        if (a.rank() < 1 || b.rank() < 1) {
            throw new IllegalArgumentException(op + ": both operands need at least 1 dimension, got A " + a
                    + " and B " + b);
        }
        boolean vectorA = a.rank() == 1, vectorB = b.rank() == 1;
        long m = vectorA ? 1 : params.transposeA() ? a.dim(-1) : a.dim(-2);
        long ka = vectorA ? a.dim(0) : params.transposeA() ? a.dim(-2) : a.dim(-1);
        long kb = vectorB ? b.dim(0) : params.transposeB() ? b.dim(-1) : b.dim(-2);
        long n = vectorB ? 1 : params.transposeB() ? b.dim(-2) : b.dim(-1);
        if (ka != kb) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: A " + a + " gives K=" + ka
                    + " but B " + b + " gives K=" + kb + " (" + params + ")");
        }
        int rankA = Math.max(a.rank() - 2, 0), rankB = Math.max(b.rank() - 2, 0);
        int rank = Math.max(rankA, rankB);
        long[] dimsA = new long[rank], dimsB = new long[rank], dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - rankA), ib = i - (rank - rankB);
            long da = ia < 0 ? 1 : a.dim(ia);
            long db = ib < 0 ? 1 : b.dim(ib);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": batch dimensions of A " + a + " and B " + b
                        + " do not broadcast (batch dimension " + (i - rank) + ": " + da + " vs " + db + ")");
            }
            dimsA[i] = da;
            dimsB[i] = db;
            // A size of 1 takes the other's size, including 0 (max() would turn (0, 1) into 1 and read past A).
            dims[i] = da == 1 ? db : da;
        }
        if (bias != null) {
            boolean ok = vectorB ? bias.rank() <= 1 && bias.numel() == 1 : bias.rank() == 1 && bias.dim(0) == n;
            if (!ok) {
                throw new IllegalArgumentException(op + ": bias shape " + bias + " must be [" + n + "] (N of B " + b
                        + (vectorB ? ", or [] for a 1-D B" : "") + ")");
            }
        }
        long[] out = new long[rank + (vectorA ? 0 : 1) + (vectorB ? 0 : 1)];
        System.arraycopy(dims, 0, out, 0, rank);
        int next = rank;
        if (!vectorA) {
            out[next++] = m;
        }
        if (!vectorB) {
            out[next] = n;
        }
        return new MatmulShapes(Shape.of(dimsA), Shape.of(dimsB), Shape.of(dims), m, ka, n, vectorA, vectorB,
                bias != null, Shape.of(out));
    }

    /** The number of matrix products: the elements of the batch dimensions. */
    public long batchCount() {
        return batch.numel();
    }

    /** Throws unless {@code out} has the inferred output shape. */
    public void checkOutput(Shape out) {
        if (!output.equals(out)) {
            throw new IllegalArgumentException("matmul: output shape " + out + " != expected " + output);
        }
    }

    public double flops() {
        return 2.0 * batchCount() * m * n * k;
    }
}
