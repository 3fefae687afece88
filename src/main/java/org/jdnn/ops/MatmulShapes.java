package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of matmul: {@code out[b] = op(A[b]) @ op(B[b]) (+ bias)}. A and B are rank 2 (M x K, K x N)
 * or rank 3 with a leading batch; a batch of 1 (or a rank-2 operand) broadcasts against the other.
 * Bias, if present, has shape (N) and is added to every row.
 */
public record MatmulShapes(long batchA, long batchB, long batch, long m, long k, long n, boolean hasBias,
                           Shape output) {

    /** Validates the operands and infers the output shape; throws IllegalArgumentException naming the op and shapes. */
    public static MatmulShapes infer(Shape a, Shape b, Shape bias, MatmulParams params) {
        if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3) {
            throw new IllegalArgumentException("matmul: operands must be rank 2 or 3, got A " + a + " and B " + b);
        }
        long m = params.transposeA() ? a.dim(-1) : a.dim(-2);
        long ka = params.transposeA() ? a.dim(-2) : a.dim(-1);
        long kb = params.transposeB() ? b.dim(-1) : b.dim(-2);
        long n = params.transposeB() ? b.dim(-2) : b.dim(-1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: A " + a + " gives K=" + ka
                    + " but B " + b + " gives K=" + kb + " (" + params + ")");
        }
        if (ka == 0) {
            throw new IllegalArgumentException("matmul: inner dimension K is 0 (A " + a + ", B " + b + ")");
        }
        long batchA = a.rank() == 3 ? a.dim(0) : 1;
        long batchB = b.rank() == 3 ? b.dim(0) : 1;
        if (batchA != batchB && batchA != 1 && batchB != 1) {
            throw new IllegalArgumentException("matmul: batch sizes " + batchA + " (A " + a + ") and " + batchB
                    + " (B " + b + ") do not broadcast");
        }
        // A batch of 1 broadcasts to the other's, including 0 (max() would turn (0, 1) into 1 and read past A).
        long batch = batchA == 1 ? batchB : batchA;
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != n)) {
            throw new IllegalArgumentException("matmul: bias shape " + bias + " must be [" + n + "] (N of B " + b + ")");
        }
        boolean batched = a.rank() == 3 || b.rank() == 3;
        Shape out = batched ? Shape.of(batch, m, n) : Shape.of(m, n);
        return new MatmulShapes(batchA, batchB, batch, m, ka, n, bias != null, out);
    }

    /** Throws unless {@code out} has the inferred output shape. */
    public void checkOutput(Shape out) {
        if (!output.equals(out)) {
            throw new IllegalArgumentException("matmul: output shape " + out + " != expected " + output);
        }
    }

    public double flops() {
        return 2.0 * batch * m * n * k;
    }
}
