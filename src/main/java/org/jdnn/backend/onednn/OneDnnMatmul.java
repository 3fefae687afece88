package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * matmul on oneDNN's matmul primitive, in the user's plain layouts: the transposes are strides, a batch of 1
 * broadcasts through oneDNN's own broadcasting, the bias is a (1, N) operand.
 */
final class OneDnnMatmul {
    private OneDnnMatmul() {
    }

    private record Key(boolean batched, long batchA, long batchB, long m, long k, long n, boolean transposeA,
                       boolean transposeB, boolean bias, int threads) {
    }

    /** Registers the matmul kernel (no fallback: oneDNN runs every shape the shape rule accepts). */
    static void register(OneDnnBackend backend, KernelTable table) {
        table.put(MatmulOps.MATMUL, (p, in, out) -> matmul(backend, p, in[0], in[1], in[2], out[0]));
    }

    private static void matmul(OneDnnBackend backend, MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        MatmulShapes s = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), params);
        Key key = new Key(s.output().rank() == 3, s.batchA(), s.batchB(), s.m(), s.k(), s.n(), params.transposeA(),
                params.transposeB(), s.hasBias(), ThreadCount.get());
        MemorySegment[] data = bias == null
                ? new MemorySegment[] {TensorAccess.segment(a), TensorAccess.segment(b), TensorAccess.segment(out)}
                : new MemorySegment[] {TensorAccess.segment(a), TensorAccess.segment(b), TensorAccess.segment(bias),
                        TensorAccess.segment(out)};
        backend.execute("matmul", key, () -> create(backend, key, s), data);
    }

    /** The implementation oneDNN picks for an (m, k) x (k, n) matmul without bias (creating it if needed). */
    static String implementation(OneDnnBackend backend, MatmulParams params, long m, long k, long n) {
        MatmulShapes s = MatmulShapes.infer(Shape.of(params.transposeA() ? k : m, params.transposeA() ? m : k),
                Shape.of(params.transposeB() ? n : k, params.transposeB() ? k : n), null, params);
        Key key = new Key(false, 1, 1, m, k, n, params.transposeA(), params.transposeB(), false, ThreadCount.get());
        return backend.cachedPrimitive(key, () -> create(backend, key, s)).implementation();
    }

    private static CachedPrimitive create(OneDnnBackend backend, Key key, MatmulShapes s) {
        boolean batched = key.batched();
        long m = s.m(), k = s.k(), n = s.n();
        try (Descriptors d = new Descriptors()) {
            // Transposes are expressed as strides: A^T stored (K,M) is the (M,K) matrix with strides (1, M).
            long[] aStrides = key.transposeA() ? new long[] {1, m} : new long[] {k, 1};
            long[] bStrides = key.transposeB() ? new long[] {1, k} : new long[] {n, 1};
            MemorySegment aMd = batched ? d.strided(new long[] {key.batchA(), m, k}, new long[] {m * k, aStrides[0], aStrides[1]})
                    : d.strided(new long[] {m, k}, aStrides);
            MemorySegment bMd = batched ? d.strided(new long[] {key.batchB(), k, n}, new long[] {k * n, bStrides[0], bStrides[1]})
                    : d.strided(new long[] {k, n}, bStrides);
            MemorySegment biasMd = !key.bias() ? MemorySegment.NULL : batched ? d.plain(1, 1, n) : d.plain(1, n);
            MemorySegment outMd = batched ? d.plain(s.batch(), m, n) : d.plain(m, n);
            MemorySegment slot = d.handleSlot();
            String label = "matmul " + key;
            Dnnl.check(dnnl_h.dnnl_matmul_primitive_desc_create(slot, backend.engine().handle(), aMd, bMd, biasMd, outMd,
                    d.userScratchpadAttr()), "dnnl_matmul_primitive_desc_create", label);
            int[] args = key.bias()
                    ? new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_BIAS(), dnnl_h.DNNL_ARG_DST()}
                    : new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()};
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0), args, label);
        }
    }
}
