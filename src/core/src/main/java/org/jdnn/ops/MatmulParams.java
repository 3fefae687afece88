package org.jdnn.ops;

/**
 * Parameters of matmul / GEMM: whether A and B are stored transposed. With {@code transposeA}, A is
 * stored as (K, M) and used as (M, K); with {@code transposeB}, B is stored as (N, K) and used as (K, N).
 */
public record MatmulParams(boolean transposeA, boolean transposeB) {
    public static final MatmulParams PLAIN = new MatmulParams(false, false);
}
