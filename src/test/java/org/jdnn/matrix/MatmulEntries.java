package org.jdnn.matrix;

import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entry of matmul: every transpose combination with and without bias, batched and broadcast batches
 * (a batch of 1 or a rank-2 operand against a batch), odd and degenerate sizes, seeded random shapes, empty M, N and
 * batch, NaN/+Inf/-Inf in each operand, and the refused shapes. Bound as the parity suite:
 * {@code 1e-4 |ref| + 2e-6 sqrt(K)}, K the products summed into each element (K for the output; N, times the batch a
 * broadcast A is summed over, for A's gradient; M, times its summed batch, for B's; the rows for the bias's).
 */
final class MatmulEntries {
    private static final int RANDOM_CASES = 12;

    private MatmulEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(OpInfo.of(MatmulOps.MATMUL).tolerance(1e-4, 2e-6).differentiable().affine()
                .samples(MatmulEntries::samples)
                .reductions((p, in) -> new long[] {shapes(p, in).k()}, MatmulEntries::gradientReductions)
                .primitiveOptional((p, in) -> shapes(p, in).output().numel() == 0)
                .build());
    }

    private static MatmulShapes shapes(MatmulParams p, Shape[] in) {
        return MatmulShapes.infer(in[0], in[1], in[2], p);
    }

    private static long[] gradientReductions(MatmulParams p, Shape[] in) {
        MatmulShapes s = shapes(p, in);
        long batch = Math.max(s.batch(), 1);
        long summedA = in[0].rank() == 3 && s.batchA() == s.batch() ? 1 : batch;
        long summedB = in[1].rank() == 3 && s.batchB() == s.batch() ? 1 : batch;
        return new long[] {s.n() * summedA, s.m() * summedB, s.m() * batch};
    }

    /** One geometry: batches (0 for a rank-2 operand), M, K, N, transposes and bias. */
    private record Case(String name, long batchA, long batchB, long m, long k, long n, boolean transposeA,
                        boolean transposeB, boolean bias) {
        long[] a() {
            long rows = transposeA ? k : m, cols = transposeA ? m : k;
            return batchA < 0 ? new long[] {rows, cols} : new long[] {batchA, rows, cols};
        }

        long[] b() {
            long rows = transposeB ? n : k, cols = transposeB ? k : n;
            return batchB < 0 ? new long[] {rows, cols} : new long[] {batchB, rows, cols};
        }

        MatmulParams params() {
            return new MatmulParams(transposeA, transposeB);
        }

        Sample.Operand[] operands(SplittableRandom r) {
            return new Sample.Operand[] {randn(r, a()), randn(r, b()), bias ? randn(r, n) : null};
        }

        @Override
        public String toString() {
            return name + ": A " + Samples.dims(a()) + " B " + Samples.dims(b()) + (transposeA ? " A^T" : "")
                    + (transposeB ? " B^T" : "") + (bias ? " +bias" : "");
        }
    }

    /** A rank-2 operand's batch. */
    private static final long NONE = -1;

    private static List<Sample<MatmulParams>> samples(SplittableRandom r) {
        List<Case> cases = new ArrayList<>();
        // The parity suite's sizes, every transpose combination, bias on every third.
        long[][] sizes = {{1, 1, 1}, {3, 7, 5}, {33, 65, 17}, {1, 64, 10}, {64, 1, 33}, {17, 33, 1}};
        for (long[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                cases.add(new Case(s[0] + "x" + s[1] + "x" + s[2], NONE, NONE, s[0], s[1], s[2], (t & 1) != 0,
                        (t & 2) != 0, t % 3 == 0));
            }
        }
        cases.add(new Case("batched", 4, 4, 5, 6, 7, false, false, true));
        cases.add(new Case("batched A, rank-2 B", 3, NONE, 9, 4, 2, false, true, false));
        cases.add(new Case("batch of 1 broadcast", 1, 5, 8, 3, 6, true, false, true));
        cases.add(new Case("rank-2 A, batched B", NONE, 2, 1, 16, 16, false, false, false));
        cases.add(new Case("batch of 1 against 3, both transposed", 3, 1, 4, 5, 6, true, true, true));
        for (int i = 0; i < RANDOM_CASES; i++) {
            boolean batched = r.nextBoolean();
            long batch = 1 + r.nextInt(4);
            long batchA = batched ? batch : NONE;
            long batchB = batched && r.nextBoolean() ? batch : NONE;
            cases.add(new Case("random " + i, batchA, batchB, 1 + r.nextInt(24), 1 + r.nextInt(48), 1 + r.nextInt(24),
                    r.nextBoolean(), r.nextBoolean(), r.nextBoolean()));
        }
        cases.add(new Case("empty M", NONE, NONE, 0, 4, 3, false, false, true));
        cases.add(new Case("empty N", NONE, NONE, 3, 4, 0, false, true, false));
        cases.add(new Case("empty batch", 0, 0, 2, 3, 4, false, false, true));
        cases.add(new Case("empty batch against a batch of 1", 0, 1, 2, 3, 4, true, false, false));

        List<Sample<MatmulParams>> samples = new ArrayList<>();
        for (Case c : cases) {
            samples.add(Sample.of(c.toString(), c.params(), c.operands(r)));
        }
        Case special = new Case("batch of 1 broadcast", 1, 3, 4, 5, 6, false, false, true);
        String[] names = {"A", "B", "bias"};
        for (int i = 0; i < names.length; i++) {
            Sample.Operand[] in = special.operands(r);
            in[i] = Samples.withSpecials(r, in[i]);
            samples.add(Sample.of(special + ", NaN/+Inf/-Inf in " + names[i], special.params(), in));
        }
        samples.add(Sample.of("+Inf times 0: NaN", MatmulParams.PLAIN,
                new Sample.Operand(Shape.of(1, 2), new float[] {Float.POSITIVE_INFINITY, 1}),
                new Sample.Operand(Shape.of(2, 2), new float[] {0, 1, 2, 3}), null));
        MatmulParams plain = MatmulParams.PLAIN;
        samples.add(Sample.rejected("inner dimensions 3 and 4", "inner dimensions differ", plain,
                randn(r, 2, 3), randn(r, 4, 5), null));
        samples.add(Sample.rejected("K = 0", "inner dimension K is 0", plain, randn(r, 2, 0), randn(r, 0, 5), null));
        samples.add(Sample.rejected("rank-1 A", "rank 2 or 3", plain, randn(r, 3), randn(r, 3, 5), null));
        samples.add(Sample.rejected("rank-4 B", "rank 2 or 3", plain, randn(r, 2, 3), randn(r, 1, 1, 3, 5), null));
        samples.add(Sample.rejected("batches 2 and 3", "do not broadcast", plain, randn(r, 2, 4, 3), randn(r, 3, 3, 5),
                null));
        samples.add(Sample.rejected("bias of length N+1", "bias shape", plain, randn(r, 2, 3), randn(r, 3, 5),
                randn(r, 6)));
        samples.add(Sample.rejected("rank-2 bias", "bias shape", plain, randn(r, 2, 3), randn(r, 3, 5),
                randn(r, 1, 5)));
        samples.add(Sample.rejected("int64 B", "b has dtype int64", plain, randn(r, 2, 3),
                new Sample.Operand(Shape.of(3, 5), new float[15], DType.INT64), null));
        samples.add(Sample.rejected("bool bias", "bias has dtype bool", plain, randn(r, 2, 3), randn(r, 3, 5),
                new Sample.Operand(Shape.of(5), new float[] {0, 1, 1, 0, 1}, DType.BOOL)));
        return samples;
    }
}
