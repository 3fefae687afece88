package org.jdnn.ops;

/**
 * Parameters of matmul / GEMM: whether A and B are stored transposed, and the arithmetic ({@link Precision}). With
 * {@code transposeA}, A is stored as (K, M) and used as (M, K); with {@code transposeB}, B is stored as (N, K) and used
 * as (K, N).
 */
public record MatmulParams(boolean transposeA, boolean transposeB, Precision precision) {
    public static final MatmulParams PLAIN = new MatmulParams(false, false);

    public MatmulParams {
        Axes.requireNonNull("matmul", "precision", precision);
    }

    /** Float32 arithmetic (the precision most code means). */
    public MatmulParams(boolean transposeA, boolean transposeB) {
        this(transposeA, transposeB, Precision.FP32);
    }

    /** These transposes in {@code precision}. */
    public MatmulParams withPrecision(Precision precision) {
        return new MatmulParams(transposeA, transposeB, precision);
    }
}
