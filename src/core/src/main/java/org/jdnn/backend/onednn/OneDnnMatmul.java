package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.FusedLinearOps;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * matmul (and bmm) on oneDNN's matmul primitive, in the user's plain layouts: the transposes are strides, broadcast
 * batch dimensions are oneDNN's own broadcasting (size 1 in the operand), the bias is a (1, ..., 1, N) operand.
 *
 * <p>The batch dimensions are first brought to a canonical form ({@link #key}): those of size 1 in the output are
 * dropped, and neighbours that broadcast alike are merged, so that (2, 3, M, K) @ (K, N) and (6, M, K) @ (K, N) share
 * a primitive. An untransposed batch of A against a B with no batch folds into A's rows: linear on a (..., in) input
 * is one plain GEMM.
 */
final class OneDnnMatmul {
    /** oneDNN's largest rank (DNNL_MAX_NDIMS). */
    private static final int MAX_RANK = 12;

    private OneDnnMatmul() {
    }

    /**
     * A primitive's geometry: canonical batch dimensions of A and B (equal length, 1 where one broadcasts), M, K, N
     * and the transposes of the operands as read (a vector's transpose is dropped); {@code bf16} whether A and B are
     * read as bf16 (reordered from the float32 tensors; the output and bias stay float32).
     */
    private record Key(long[] batchA, long[] batchB, long m, long k, long n, boolean transposeA, boolean transposeB,
                       boolean bias, int threads, boolean bf16, boolean relu) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && m == other.m && k == other.k && n == other.n && relu == other.relu
                    && transposeA == other.transposeA && transposeB == other.transposeB && bias == other.bias
                    && threads == other.threads && bf16 == other.bf16 && Arrays.equals(batchA, other.batchA)
                    && Arrays.equals(batchB, other.batchB);
        }

        @Override
        public int hashCode() {
            int h = Long.hashCode(m);
            h = 31 * h + Long.hashCode(k);
            h = 31 * h + Long.hashCode(n);
            h = 31 * h + (transposeA ? 1 : 0) + (transposeB ? 2 : 0) + (bias ? 4 : 0) + (bf16 ? 8 : 0) + (relu ? 16 : 0);
            h = 31 * h + threads;
            h = 31 * h + Arrays.hashCode(batchA);
            return 31 * h + Arrays.hashCode(batchB);
        }

        @Override
        public String toString() {
            return "Key[batchA=" + Arrays.toString(batchA) + ", batchB=" + Arrays.toString(batchB) + ", m=" + m
                    + ", k=" + k + ", n=" + n + ", transposeA=" + transposeA + ", transposeB=" + transposeB
                    + ", bias=" + bias + ", threads=" + threads + ", bf16=" + bf16 + (relu ? ", relu" : "") + "]";
        }

        int rank() {
            return batchA.length + 2;
        }
    }

    /** Registers the matmul and bmm kernels and their fallbacks (an empty inner dimension; a rank beyond oneDNN's). */
    static void register(OneDnnBackend backend, KernelTable table) {
        String emptyK = "inner dimension K = 0 (the product is zero plus the bias; oneDNN's matmul takes no empty K)";
        String rank = "more than " + (MAX_RANK - 2) + " batch dimensions that broadcast differently (oneDNN's matmul"
                + " takes at most " + MAX_RANK + " dimensions)";
        table.put(MatmulOps.MATMUL, (p, in, out) -> matmul(backend, "matmul",
                        MatmulShapes.infer(in[0].shape(), in[1].shape(), in[2] == null ? null : in[2].shape(), p), p,
                        in[0], in[1], in[2], out[0]),
                Fallback.toReference(emptyK, (p, in, out) -> innerDimension(p, in[0].shape()) == 0),
                Fallback.toReference(rank, (p, in, out) -> !fits(in[0].shape(), in[1].shape(), in[2], p)));
        table.put(MatmulOps.BMM, (p, in, out) -> matmul(backend, "bmm",
                        MatmulOps.bmmShapes(in[0].shape(), in[1].shape()), MatmulParams.PLAIN, in[0], in[1], null,
                        out[0]),
                Fallback.<NoParams>toReference(emptyK, (p, in, out) -> in[0].shape().dim(2) == 0));
        table.put(FusedLinearOps.FORWARD, (p, in, out) -> matmul(backend, "linear_fused",
                        MatmulShapes.infer(in[0].shape(), in[1].shape(), in[2] == null ? null : in[2].shape(),
                                MatmulOps.LINEAR), MatmulOps.LINEAR, p.relu(), in[0], in[1], in[2], out[0]),
                Fallback.toReference(emptyK, (p, in, out) -> innerDimension(MatmulOps.LINEAR, in[0].shape()) == 0),
                Fallback.toReference(rank, (p, in, out) -> !fits(in[0].shape(), in[1].shape(), in[2], MatmulOps.LINEAR)),
                Fallback.toReference("a NaN or infinity in an operand, which oneDNN's ReLU post-op (max(x, 0)) would "
                        + "turn into 0 where PyTorch keeps NaN",
                        (p, in, out) -> p.relu() && SpecialValues.anyNonFinite(backend, in)));
    }

    /** K as A gives it. */
    private static long innerDimension(MatmulParams p, Shape a) {
        return a.rank() == 1 ? a.dim(0) : p.transposeA() ? a.dim(-2) : a.dim(-1);
    }

    /** Whether the canonical form has at most oneDNN's rank (cheap for ranks that cannot exceed it). */
    private static boolean fits(Shape a, Shape b, Tensor bias, MatmulParams p) {
        if (a.rank() <= MAX_RANK && b.rank() <= MAX_RANK) {
            return true;
        }
        MatmulShapes s = MatmulShapes.infer(a, b, bias == null ? null : bias.shape(), p);
        return s.output().numel() == 0 || key(s, p, false).rank() <= MAX_RANK;
    }

    private static void matmul(OneDnnBackend backend, String op, MatmulShapes s, MatmulParams params, Tensor a,
                               Tensor b, Tensor bias, Tensor out) {
        matmul(backend, op, s, params, false, a, b, bias, out);
    }

    /** {@code relu}: with oneDNN's ReLU post-op (linear_fused). */
    private static void matmul(OneDnnBackend backend, String op, MatmulShapes s, MatmulParams params, boolean relu,
                               Tensor a, Tensor b, Tensor bias, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        Key key = key(s, params, relu);
        if (key.bf16()) {
            // The primitive reads bf16 copies of A and B, reordered in from the float32 tensors per call.
            Tensor[] tensors = bias == null ? new Tensor[] {a, b, out} : new Tensor[] {a, b, bias, out};
            backend.execute(op, key, () -> create(backend, key), tensors);
            return;
        }
        MemorySegment[] data = bias == null
                ? new MemorySegment[] {TensorAccess.segment(a), TensorAccess.segment(b), TensorAccess.segment(out)}
                : new MemorySegment[] {TensorAccess.segment(a), TensorAccess.segment(b), TensorAccess.segment(bias),
                        TensorAccess.segment(out)};
        backend.execute(op, key, () -> create(backend, key), data);
    }

    /** The canonical geometry of a call with a non-empty output (see the class comment). */
    private static Key key(MatmulShapes s, MatmulParams params, boolean relu) {
        Shape batch = s.batch(), batchA = s.batchA(), batchB = s.batchB();
        int rank = batch.rank();
        long[] dimsA = new long[rank], dimsB = new long[rank];
        int count = 0, last = -1;
        for (int i = 0; i < rank; i++) {
            if (batch.dim(i) == 1) {
                continue;
            }
            long da = batchA.dim(i), db = batchB.dim(i);
            int pattern = (da == 1 ? 0 : 1) | (db == 1 ? 0 : 2); // output size > 1: one of them has it
            if (pattern == last) {
                dimsA[count - 1] *= da;
                dimsB[count - 1] *= db;
            } else {
                dimsA[count] = da;
                dimsB[count] = db;
                count++;
                last = pattern;
            }
        }
        boolean transposeA = params.transposeA() && !s.vectorA(), transposeB = params.transposeB() && !s.vectorB();
        long m = s.m();
        if (count == 1 && last == 1 && !transposeA) {
            // (batch, M, K) @ (K, N) is (batch * M, K) @ (K, N): one GEMM.
            m *= dimsA[0];
            count = 0;
        }
        return new Key(Arrays.copyOf(dimsA, count), Arrays.copyOf(dimsB, count), m, s.k(), s.n(), transposeA,
                transposeB, s.hasBias(), ThreadCount.get(), params.precision() == Precision.BF16, relu);
    }

    /** The implementation oneDNN picks for an (m, k) x (k, n) matmul without bias (creating it if needed). */
    static String implementation(OneDnnBackend backend, MatmulParams params, long m, long k, long n) {
        Key key = new Key(new long[0], new long[0], m, k, n, params.transposeA(), params.transposeB(), false,
                ThreadCount.get(), params.precision() == Precision.BF16, false);
        return backend.cachedPrimitive(key, () -> create(backend, key)).implementation();
    }

    private static CachedPrimitive create(OneDnnBackend backend, Key key) {
        int batchRank = key.batchA().length;
        long m = key.m(), k = key.k(), n = key.n();
        try (Descriptors d = new Descriptors()) {
            // Transposes are expressed as strides: A^T stored (K,M) is the (M,K) matrix with strides (1, M).
            long[] aDims = dims(key.batchA(), m, k), bDims = dims(key.batchB(), k, n);
            long[] aStrides = strides(key.batchA(), m * k, key.transposeA() ? 1 : k, key.transposeA() ? m : 1);
            long[] bStrides = strides(key.batchB(), k * n, key.transposeB() ? 1 : n, key.transposeB() ? k : 1);
            MemorySegment aMd = d.strided(aDims, aStrides);
            MemorySegment bMd = d.strided(bDims, bStrides);
            // bf16: the primitive reads bf16 buffers with the same strides; the float32 tensors are reordered in.
            int operandType = key.bf16() ? dnnl_h.dnnl_bf16() : dnnl_h.dnnl_f32();
            MemorySegment aRead = key.bf16() ? d.strided(aDims, aStrides, operandType) : aMd;
            MemorySegment bRead = key.bf16() ? d.strided(bDims, bStrides, operandType) : bMd;
            long[] ones = new long[batchRank];
            Arrays.fill(ones, 1);
            MemorySegment biasMd = key.bias() ? d.plain(dims(ones, 1, n)) : MemorySegment.NULL;
            long[] batch = new long[batchRank];
            for (int i = 0; i < batchRank; i++) {
                batch[i] = Math.max(key.batchA()[i], key.batchB()[i]);
            }
            MemorySegment outMd = d.plain(dims(batch, m, n));
            MemorySegment slot = d.handleSlot();
            String label = "matmul " + key;
            Dnnl.check(dnnl_h.dnnl_matmul_primitive_desc_create(slot, backend.engine().handle(), aRead, bRead, biasMd, outMd,
                    key.relu() ? d.postOpsAttr(false, true) : d.userScratchpadAttr()), "dnnl_matmul_primitive_desc_create",
                    label);
            int[] args = key.bias()
                    ? new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_BIAS(), dnnl_h.DNNL_ARG_DST()}
                    : new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()};
            if (key.bf16()) {
                MemorySegment[] user = key.bias() ? new MemorySegment[] {aMd, bMd, null, null}
                        : new MemorySegment[] {aMd, bMd, null};
                boolean[] outputs = key.bias() ? new boolean[] {false, false, false, true}
                        : new boolean[] {false, false, true};
                return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0), args, user, outputs, label);
            }
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0), args, label);
        }
    }

    /** The batch dimensions followed by (rows, columns). */
    private static long[] dims(long[] batch, long rows, long columns) {
        long[] dims = Arrays.copyOf(batch, batch.length + 2);
        dims[batch.length] = rows;
        dims[batch.length + 1] = columns;
        return dims;
    }

    /** Row-major strides over the batch dimensions (one matrix of {@code matrix} elements each), then the matrix's. */
    private static long[] strides(long[] batch, long matrix, long rowStride, long columnStride) {
        long[] strides = new long[batch.length + 2];
        long stride = matrix;
        for (int i = batch.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= batch[i];
        }
        strides[batch.length] = rowStride;
        strides[batch.length + 1] = columnStride;
        return strides;
    }
}
