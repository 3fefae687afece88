package org.jdnn.matrix;

import org.jdnn.ops.FusedLinearOps;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of matmul and bmm. matmul: every transpose combination with and without bias; 1-D operands
 * (dot, vector-matrix, matrix-vector, a vector against a batch, a 1-D B's scalar bias); batch dimensions of rank 1 to 5
 * that broadcast (a missing dimension, a size-1 one, on either side, the linear layout a batch folds into); odd and
 * degenerate sizes; seeded random shapes; empty M, N, K and batch; a rank beyond oneDNN's; NaN/+Inf/-Inf in each
 * operand; and the refused shapes. Bound as the parity suite: {@code 1e-4 |ref| + 2e-6 sqrt(K)}, K the products summed
 * into each element (K for the output; N, times the batch elements an A matrix is broadcast to, for A's gradient;
 * M, likewise, for B's; the rows of every batch for the bias's).
 */
final class MatmulEntries {
    private static final int RANDOM_CASES = 16;

    private MatmulEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(OpInfo.of(MatmulOps.MATMUL).tolerance(1e-4, 2e-6).differentiable().affine()
                        .samples(MatmulEntries::samples)
                        .reductions((p, in) -> new long[] {shapes(p, in).k()}, MatmulEntries::gradientReductions)
                        .primitiveOptional((p, in) -> shapes(p, in).output().numel() == 0)
                        .build(),
                OpInfo.of(MatmulOps.BMM).tolerance(1e-4, 2e-6).differentiable().affine()
                        .samples(MatmulEntries::bmmSamples)
                        .reductions((p, in) -> new long[] {bmm(in).k()},
                                (p, in) -> new long[] {bmm(in).n(), bmm(in).m()})
                        .primitiveOptional((p, in) -> bmm(in).output().numel() == 0)
                        .build(),
                OpInfo.of(FusedLinearOps.FORWARD).tolerance(1e-4, 2e-6)
                        .samples(MatmulEntries::linearSamples)
                        .reductions((p, in) -> new long[] {in[1].dim(-1)}, null)
                        .primitiveOptional((p, in) -> in[0].dim(0) == 0)
                        .build());
    }

    /**
     * linear_fused: (N, in) inputs against (out, in) weights, with and without bias and ReLU, batch 1 and odd sizes,
     * an empty batch, NaN/+Inf/-Inf in the input with ReLU, and a weight of the wrong width refused.
     */
    private static List<Sample<FusedLinearOps.Params>> linearSamples(SplittableRandom r) {
        List<Sample<FusedLinearOps.Params>> samples = new ArrayList<>();
        long[][] sizes = {{4, 8, 5}, {1, 3, 1}, {7, 33, 17}, {128, 84, 10}, {2, 1, 6}};
        for (long[] s : sizes) {
            for (boolean relu : new boolean[] {false, true}) {
                for (boolean bias : new boolean[] {false, true}) {
                    samples.add(Sample.of("N" + s[0] + " in " + s[1] + " out " + s[2] + (bias ? " bias" : "")
                                    + (relu ? " relu" : ""), new FusedLinearOps.Params(relu),
                            randn(r, s[0], s[1]), randn(r, s[2], s[1]), bias ? randn(r, s[2]) : null));
                }
            }
        }
        samples.add(Sample.of("empty batch, relu", new FusedLinearOps.Params(true), randn(r, 0, 4), randn(r, 3, 4),
                randn(r, 3)));
        samples.add(Sample.of("NaN/+Inf/-Inf in input, relu", new FusedLinearOps.Params(true),
                Samples.withSpecials(r, randn(r, 4, 8)), randn(r, 5, 8), randn(r, 5)));
        samples.add(Sample.rejected("weight one column too wide", "", new FusedLinearOps.Params(true),
                randn(r, 4, 8), randn(r, 5, 9), randn(r, 5)));
        return samples;
    }

    private static MatmulShapes shapes(MatmulParams p, Shape[] in) {
        return MatmulShapes.infer(in[0], in[1], in[2], p);
    }

    private static MatmulShapes bmm(Shape[] in) {
        return MatmulOps.bmmShapes(in[0], in[1]);
    }

    private static long[] gradientReductions(MatmulParams p, Shape[] in) {
        MatmulShapes s = shapes(p, in);
        long batch = s.batchCount();
        // Each matrix of A is used by batch / (A's matrices) products; likewise B's.
        long perA = s.batchA().numel() == 0 ? 1 : batch / s.batchA().numel();
        long perB = s.batchB().numel() == 0 ? 1 : batch / s.batchB().numel();
        return new long[] {s.n() * perA, s.m() * perB, s.m() * batch};
    }

    /**
     * One geometry: batch dimensions of each operand (empty: a plain matrix), M, K, N, transposes, bias, and whether
     * an operand is 1-D instead (its batch, M or N and transpose are then ignored: a vector of K).
     */
    private record Case(String name, long[] batchA, long[] batchB, long m, long k, long n, boolean transposeA,
                        boolean transposeB, boolean bias, boolean vectorA, boolean vectorB) {
        static Case of(String name, long[] batchA, long[] batchB, long m, long k, long n, boolean transposeA,
                       boolean transposeB, boolean bias) {
            return new Case(name, batchA, batchB, m, k, n, transposeA, transposeB, bias, false, false);
        }

        long[] a() {
            if (vectorA) {
                return new long[] {k};
            }
            long rows = transposeA ? k : m, cols = transposeA ? m : k;
            return concat(batchA, rows, cols);
        }

        long[] b() {
            if (vectorB) {
                return new long[] {k};
            }
            long rows = transposeB ? n : k, cols = transposeB ? k : n;
            return concat(batchB, rows, cols);
        }

        MatmulParams params() {
            return new MatmulParams(transposeA, transposeB);
        }

        Sample.Operand[] operands(SplittableRandom r) {
            return new Sample.Operand[] {randn(r, a()), randn(r, b()), bias ? randn(r, vectorB ? new long[0] : new long[] {n}) : null};
        }

        @Override
        public String toString() {
            return name + ": A " + Samples.dims(a()) + " B " + Samples.dims(b()) + (transposeA ? " A^T" : "")
                    + (transposeB ? " B^T" : "") + (bias ? " +bias" : "");
        }
    }

    private static long[] concat(long[] batch, long rows, long cols) {
        long[] dims = Arrays.copyOf(batch, batch.length + 2);
        dims[batch.length] = rows;
        dims[batch.length + 1] = cols;
        return dims;
    }

    private static final long[] NONE = {};

    private static long[] b(long... dims) {
        return dims;
    }

    private static List<Sample<MatmulParams>> samples(SplittableRandom r) {
        List<Case> cases = new ArrayList<>();
        // The parity suite's sizes, every transpose combination, bias on every third.
        long[][] sizes = {{1, 1, 1}, {3, 7, 5}, {33, 65, 17}, {1, 64, 10}, {64, 1, 33}, {17, 33, 1}};
        for (long[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                cases.add(Case.of(s[0] + "x" + s[1] + "x" + s[2], NONE, NONE, s[0], s[1], s[2], (t & 1) != 0,
                        (t & 2) != 0, t % 3 == 0));
            }
        }
        cases.add(Case.of("batched", b(4), b(4), 5, 6, 7, false, false, true));
        cases.add(Case.of("batched A, rank-2 B", b(3), NONE, 9, 4, 2, false, true, false));
        cases.add(Case.of("batch of 1 broadcast", b(1), b(5), 8, 3, 6, true, false, true));
        cases.add(Case.of("rank-2 A, batched B", NONE, b(2), 1, 16, 16, false, false, false));
        cases.add(Case.of("batch of 1 against 3, both transposed", b(3), b(1), 4, 5, 6, true, true, true));
        // 1-D operands.
        cases.add(new Case("dot", NONE, NONE, 1, 7, 1, false, false, false, true, true));
        cases.add(new Case("dot, transposes ignored", NONE, NONE, 1, 5, 1, true, true, false, true, true));
        cases.add(new Case("vector @ matrix", NONE, NONE, 1, 6, 4, false, false, true, true, false));
        cases.add(new Case("vector @ matrix^T (linear on a 1-D input)", NONE, NONE, 1, 6, 4, false, true, true, true,
                false));
        cases.add(new Case("matrix @ vector", NONE, NONE, 5, 6, 1, false, false, false, false, true));
        cases.add(new Case("matrix^T @ vector, scalar bias", NONE, NONE, 5, 6, 1, true, false, true, false, true));
        cases.add(new Case("vector @ batch", NONE, b(3), 1, 4, 5, false, false, true, true, false));
        cases.add(new Case("rank-4 batch @ vector", b(2, 3), NONE, 4, 5, 1, false, false, false, false, true));
        // Batch dimensions of rank 2 to 5 that broadcast.
        cases.add(Case.of("rank 4: (2, 1) against (3)", b(2, 1), b(3), 4, 5, 6, false, false, true));
        cases.add(Case.of("rank 4 against rank 2, transposed", b(2, 3), NONE, 4, 5, 6, true, true, false));
        cases.add(Case.of("linear on rank 4 (folds into rows)", b(2, 3), NONE, 4, 5, 6, false, true, true));
        cases.add(Case.of("linear on rank 5 against a (1, 1) batch", b(2, 3, 2), b(1, 1), 3, 5, 4, false, true, true));
        cases.add(Case.of("rank 2 against rank 4", NONE, b(2, 3), 4, 5, 6, false, false, true));
        cases.add(Case.of("rank 5: (2, 3, 4) against (1, 3, 1)", b(2, 3, 4), b(1, 3, 1), 3, 4, 2, false, true, false));
        cases.add(Case.of("rank 5: (1, 3, 2) against (2, 1, 2)", b(1, 3, 2), b(2, 1, 2), 2, 3, 4, true, false, true));
        cases.add(Case.of("rank 5 against rank 3", b(2, 2, 3), b(3), 3, 4, 5, true, true, true));
        cases.add(Case.of("size-1 batch dimensions on both", b(1, 4, 1), b(1, 1, 1), 2, 3, 2, false, false, false));
        // Thirteen dimensions that alternate broadcasting: beyond oneDNN's twelve.
        cases.add(Case.of("rank 13, alternating broadcast", b(2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2),
                b(1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1), 1, 2, 1, false, false, true));
        for (int i = 0; i < RANDOM_CASES; i++) {
            long[] full = Samples.shape(r, r.nextInt(4), 3, 12);
            long[] batchA = r.nextInt(4) == 0 ? NONE : Samples.broadcastTarget(r, full);
            long[] batchB = r.nextInt(4) == 0 ? NONE : Samples.broadcastTarget(r, full);
            if (r.nextBoolean()) {
                batchA = full; // at least one side usually has the full batch
            }
            cases.add(Case.of("random " + i, batchA, batchB, 1 + r.nextInt(12), 1 + r.nextInt(24),
                    1 + r.nextInt(12), r.nextBoolean(), r.nextBoolean(), r.nextBoolean()));
        }
        cases.add(Case.of("empty M", NONE, NONE, 0, 4, 3, false, false, true));
        cases.add(Case.of("empty N", NONE, NONE, 3, 4, 0, false, true, false));
        cases.add(Case.of("empty K: zeros plus the bias", NONE, NONE, 3, 0, 4, false, false, true));
        cases.add(Case.of("empty K, batched and transposed", b(2), b(1), 3, 0, 2, true, true, false));
        cases.add(new Case("empty K, dot of empty vectors", NONE, NONE, 1, 0, 1, false, false, false, true, true));
        cases.add(Case.of("empty batch", b(0), b(0), 2, 3, 4, false, false, true));
        cases.add(Case.of("empty batch against a batch of 1", b(0), b(1), 2, 3, 4, true, false, false));
        cases.add(Case.of("empty batch dimension at rank 5", b(2, 0, 3), b(1, 1, 3), 2, 3, 2, false, true, true));

        List<Sample<MatmulParams>> samples = new ArrayList<>();
        for (Case c : cases) {
            samples.add(Sample.of(c.toString(), c.params(), c.operands(r)));
        }
        String[] names = {"A", "B", "bias"};
        Case[] special = {Case.of("batch of 1 broadcast", b(1), b(3), 4, 5, 6, false, false, true),
                Case.of("rank 4 broadcast", b(2, 1), b(3), 3, 4, 2, false, true, true),
                new Case("matrix @ vector", NONE, NONE, 4, 5, 1, false, false, true, false, true)};
        for (Case c : special) {
            for (int i = 0; i < names.length; i++) {
                Sample.Operand[] in = c.operands(r);
                in[i] = Samples.withSpecials(r, in[i]);
                samples.add(Sample.of(c + ", NaN/+Inf/-Inf in " + names[i], c.params(), in));
            }
        }
        samples.add(Sample.of("+Inf times 0: NaN", MatmulParams.PLAIN,
                new Sample.Operand(Shape.of(1, 2), new float[] {Float.POSITIVE_INFINITY, 1}),
                new Sample.Operand(Shape.of(2, 2), new float[] {0, 1, 2, 3}), null));
        MatmulParams plain = MatmulParams.PLAIN;
        samples.add(Sample.rejected("inner dimensions 3 and 4", "inner dimensions differ", plain,
                randn(r, 2, 3), randn(r, 4, 5), null));
        samples.add(Sample.rejected("vectors of 3 and 4", "inner dimensions differ", plain,
                randn(r, 3), randn(r, 4), null));
        samples.add(Sample.rejected("rank-0 A", "at least 1 dimension", plain, randn(r), randn(r, 3, 5), null));
        samples.add(Sample.rejected("rank-0 B", "at least 1 dimension", plain, randn(r, 3), randn(r), null));
        samples.add(Sample.rejected("batches 2 and 3", "do not broadcast", plain, randn(r, 2, 4, 3), randn(r, 3, 3, 5),
                null));
        samples.add(Sample.rejected("rank-4 batches (2, 3) and (2, 2)", "batch dimension -1: 3 vs 2", plain,
                randn(r, 2, 3, 4, 3), randn(r, 2, 2, 3, 5), null));
        samples.add(Sample.rejected("bias of length N+1", "bias shape", plain, randn(r, 2, 3), randn(r, 3, 5),
                randn(r, 6)));
        samples.add(Sample.rejected("rank-2 bias", "bias shape", plain, randn(r, 2, 3), randn(r, 3, 5),
                randn(r, 1, 5)));
        samples.add(Sample.rejected("a 1-D B's bias of length 2", "bias shape", plain, randn(r, 2, 3), randn(r, 3),
                randn(r, 2)));
        samples.add(Sample.rejected("int64 B", "b has dtype int64", plain, randn(r, 2, 3),
                new Sample.Operand(Shape.of(3, 5), new float[15], DType.INT64), null));
        samples.add(Sample.rejected("bool bias", "bias has dtype bool", plain, randn(r, 2, 3), randn(r, 3, 5),
                new Sample.Operand(Shape.of(5), new float[] {0, 1, 1, 0, 1}, DType.BOOL)));
        samples.addAll(bf16Samples(r));
        return samples;
    }

    /**
     * BF16 precision: A and B read rounded to bfloat16, float32 accumulation; the reference emulates it, so the
     * entry's float32 bounds hold. The derivative (its matmuls inherit the precision) is compared with the
     * reference's only: rounding makes the op piecewise constant within a finite-difference step.
     */
    private static List<Sample<MatmulParams>> bf16Samples(SplittableRandom r) {
        List<Case> cases = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            cases.add(Case.of("33x65x17", NONE, NONE, 33, 65, 17, (t & 1) != 0, (t & 2) != 0, t % 2 == 0));
        }
        cases.add(Case.of("linear on rank 4 (folds into rows)", b(2, 3), NONE, 4, 5, 6, false, true, true));
        cases.add(Case.of("batch of 1 broadcast", b(1), b(5), 8, 3, 6, true, false, true));
        cases.add(new Case("vector @ matrix^T (linear on a 1-D input)", NONE, NONE, 1, 6, 4, false, true, true, true,
                false));
        List<Sample<MatmulParams>> samples = new ArrayList<>();
        for (Case c : cases) {
            samples.add(new Sample<>(c + ", bf16", c.params().withPrecision(Precision.BF16), c.operands(r), null,
                    Sample.Derivative.COMPARED));
        }
        return samples;
    }

    private static List<Sample<NoParams>> bmmSamples(SplittableRandom r) {
        List<Sample<NoParams>> samples = new ArrayList<>();
        NoParams none = NoParams.INSTANCE;
        long[][] sizes = {{1, 1, 1, 1}, {4, 5, 6, 7}, {2, 33, 17, 9}, {3, 1, 8, 1}};
        for (long[] s : sizes) {
            samples.add(Sample.of("bmm " + Arrays.toString(s), none, randn(r, s[0], s[1], s[2]),
                    randn(r, s[0], s[2], s[3])));
        }
        for (int i = 0; i < 6; i++) {
            long batch = 1 + r.nextInt(5), m = 1 + r.nextInt(12), k = 1 + r.nextInt(24), n = 1 + r.nextInt(12);
            samples.add(Sample.of("random " + i, none, randn(r, batch, m, k), randn(r, batch, k, n)));
        }
        samples.add(Sample.of("empty batch", none, randn(r, 0, 2, 3), randn(r, 0, 3, 4)));
        samples.add(Sample.of("empty M", none, randn(r, 2, 0, 3), randn(r, 2, 3, 4)));
        samples.add(Sample.of("empty K", none, randn(r, 2, 3, 0), randn(r, 2, 0, 4)));
        samples.add(Sample.of("NaN/+Inf/-Inf in A", none, Samples.withSpecials(r, randn(r, 2, 3, 4)),
                randn(r, 2, 4, 5)));
        samples.add(Sample.of("NaN/+Inf/-Inf in B", none, randn(r, 2, 3, 4),
                Samples.withSpecials(r, randn(r, 2, 4, 5))));
        samples.add(Sample.rejected("rank-2 A", "must be rank 3", none, randn(r, 3, 4), randn(r, 2, 4, 5)));
        samples.add(Sample.rejected("rank-4 B", "must be rank 3", none, randn(r, 2, 3, 4), randn(r, 1, 2, 4, 5)));
        samples.add(Sample.rejected("batch 1 against 2 (no broadcasting)", "batch sizes differ", none,
                randn(r, 1, 3, 4), randn(r, 2, 4, 5)));
        samples.add(Sample.rejected("inner dimensions 4 and 3", "inner dimensions differ", none, randn(r, 2, 3, 4),
                randn(r, 2, 3, 5)));
        return samples;
    }
}
