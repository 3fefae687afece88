package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.FusedLinearOps;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.Tensor;

/**
 * matmul as the triple loop {@code C[i][j] = bias[j] + sum_p op(A)[i][p] op(B)[p][j]}, per batch, in double (float32 or
 * float64); each operand's matrix for a batch index is found by broadcasting (a 1-D operand is a single (1, K) or (K, 1)
 * matrix). In BF16 precision A and B are read rounded to bfloat16 (the emulation of oneDNN's bf16 matmul).
 */
final class ReferenceMatmul {
    private ReferenceMatmul() {
    }

    static void register(KernelTable table) {
        table.put(MatmulOps.MATMUL, (p, in, out) -> matmul(p, in[0], in[1], in[2], out[0]));
        table.put(MatmulOps.BMM, (p, in, out) -> matmul(MatmulParams.PLAIN, in[0], in[1], null, out[0]));
        table.put(FusedLinearOps.FORWARD, (p, in, out) -> {
            matmul(MatmulOps.LINEAR, in[0], in[1], in[2], out[0]);
            if (p.relu()) {
                relu(Values.of(out[0])); // of the rounded product: the same as rounding the ReLU of the exact one
            }
        });
    }

    /** {@code max(v, 0)} in place; NaN stays NaN. */
    private static void relu(Values values) {
        long n = values.segment.byteSize() / values.dtype().byteSize();
        for (long i = 0; i < n; i++) {
            if (values.get(i) < 0) {
                values.set(i, 0.0);
            }
        }
    }

    private static void matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out) {
        MatmulShapes s = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), params);
        Values A = Values.readAs(params.precision(), Values.of(a));
        Values B = Values.readAs(params.precision(), Values.of(b));
        Values C = Values.of(out);
        Values bi = Values.of(bias);
        long m = s.m(), k = s.k(), n = s.n();
        BroadcastIndex batchOfA = new BroadcastIndex(s.batchA(), s.batch());
        BroadcastIndex batchOfB = new BroadcastIndex(s.batchB(), s.batch());
        // A vector's transpose is itself: it is read as (1, K) or (K, 1) whatever the params say.
        boolean transposeA = params.transposeA() && !s.vectorA(), transposeB = params.transposeB() && !s.vectorB();
        for (long batch = 0; batch < s.batchCount(); batch++) {
            long aBase = batchOfA.of(batch) * m * k;
            long bBase = batchOfB.of(batch) * k * n;
            long cBase = batch * m * n;
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < n; j++) {
                    double sum = bi == null ? 0.0 : bi.get(j);
                    for (long p = 0; p < k; p++) {
                        // A is (M,K) row-major, or (K,M) when transposed; likewise B is (K,N) or (N,K).
                        long ai = transposeA ? p * m + i : i * k + p;
                        long bj = transposeB ? j * k + p : p * n + j;
                        sum += A.get(aBase + ai) * B.get(bBase + bj);
                    }
                    C.set(cBase + i * n + j, sum);
                }
            }
        }
    }
}
