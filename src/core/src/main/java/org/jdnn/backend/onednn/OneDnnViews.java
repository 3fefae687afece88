package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.SliceShapes;
import org.jdnn.ops.ViewOps;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * permute and expand as one oneDNN reorder each, from the input described with strides (the input's strides in the
 * output's dimension order for permute; stride 0 along the broadcast dimensions for expand) into the dense output.
 * slice and its backward are bulk copies of the contiguous runs (whole rows of {@code inner} elements, or
 * {@code length * inner} at step 1): a memcpy per run, where a strided reorder would not beat it (and oneDNN's
 * stride check refuses some steps). All are copies: exact. A copy that keeps the element order (an identity permute, an
 * expand that adds only size-1 dimensions) is one memcpy; an empty output needs nothing.
 */
final class OneDnnViews {
    private static final int MAX_RANK = 12; // DNNL_MAX_NDIMS
    private static final String RANK = "oneDNN memory descriptors have at most " + MAX_RANK + " dimensions";

    private final OneDnnBackend backend;

    private OneDnnViews(OneDnnBackend backend) {
        this.backend = backend;
    }

    /** Registers permute and expand (counted as "permute" and "expand"), slice and slice_backward (plain code). */
    static void register(OneDnnBackend backend, KernelTable table) {
        OneDnnViews kernels = new OneDnnViews(backend);
        table.put(ViewOps.PERMUTE, (p, in, out) -> kernels.permute(ViewOps.normalizedPermutation(p, in[0].shape()),
                        in[0], out[0]),
                        Fallback.toReference(RANK, (p, in, out) -> in[0].rank() > MAX_RANK))
                .put(ViewOps.EXPAND, (p, in, out) -> kernels.expand(in[0], out[0]),
                        Fallback.toReference(RANK, (p, in, out) -> out[0].rank() > MAX_RANK))
                .put(ViewOps.SLICE, (p, in, out) -> slice(SliceShapes.infer("slice", p, in[0].shape()),
                        TensorAccess.segment(in[0]), TensorAccess.segment(out[0]), false))
                .put(ViewOps.SLICE_BACKWARD, (p, in, out) -> slice(SliceShapes.infer("slice_backward", p.slice(),
                        p.inputShape()), TensorAccess.segment(out[0]), TensorAccess.segment(in[0]), true));
    }

    private record Key(String op, long[] dims, long[] srcStrides, int threads) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && op.equals(k.op) && Arrays.equals(dims, k.dims)
                    && Arrays.equals(srcStrides, k.srcStrides) && threads == k.threads;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * op.hashCode() + Arrays.hashCode(dims)) + Arrays.hashCode(srcStrides)) + threads;
        }

        @Override
        public String toString() {
            return op + " dims " + Arrays.toString(dims) + " source strides " + Arrays.toString(srcStrides);
        }
    }

    private void permute(int[] perm, Tensor src, Tensor dst) {
        if (dst.numel() == 0) {
            return;
        }
        long[] inStrides = src.shape().strides();
        long[] strides = new long[perm.length];
        boolean sameOrder = true; // the dimensions of size > 1 keep their order
        int last = -1;
        for (int d = 0; d < perm.length; d++) {
            strides[d] = inStrides[perm[d]];
            if (dst.shape().dim(d) != 1) {
                sameOrder &= perm[d] > last;
                last = perm[d];
            }
        }
        reorderOrCopy("permute", dst.shape(), strides, sameOrder, src, dst);
    }

    private void expand(Tensor src, Tensor dst) {
        if (dst.numel() == 0) {
            return;
        }
        int rank = dst.rank();
        long[] in = BroadcastShapes.padded(src.shape(), rank);
        long[] inStrides = Shape.of(in).strides();
        long[] strides = new long[rank];
        for (int d = 0; d < rank; d++) {
            strides[d] = in[d] == 1 && dst.shape().dim(d) != 1 ? 0 : inStrides[d];
        }
        reorderOrCopy("expand", dst.shape(), strides, src.numel() == dst.numel(), src, dst);
    }

    /** One memcpy when the elements keep their order, else the reorder from {@code srcStrides} to dense. */
    private void reorderOrCopy(String op, Shape shape, long[] srcStrides, boolean sameOrder, Tensor src, Tensor dst) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment y = TensorAccess.segment(dst);
        if (sameOrder) {
            MemorySegment.copy(x, 0, y, 0, y.byteSize());
            return;
        }
        Key key = new Key(op, shape.dims(), srcStrides, ThreadCount.get());
        backend.execute(op, key, () -> createReorder(key), x, y);
    }

    private CachedPrimitive createReorder(Key key) {
        String label = key.toString();
        try (Descriptors d = new Descriptors()) {
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_reorder_primitive_desc_create(slot, d.strided(key.dims(), key.srcStrides()),
                    backend.engine().handle(), d.plain(key.dims()), backend.engine().handle(), d.userScratchpadAttr()),
                    "dnnl_reorder_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_FROM(), dnnl_h.DNNL_ARG_TO()}, label);
        }
    }

    /**
     * The slice ({@code part[o, j, i] = whole[o, start + j * step, i]}) by runs: at step 1 each outer index copies one
     * run of {@code length * inner} elements, else each (outer, j) a run of {@code inner}. Backward ({@code toWhole})
     * zeroes the whole first and copies the runs the other way.
     */
    static void slice(SliceShapes s, MemorySegment whole, MemorySegment part, boolean toWhole) {
        if (toWhole) {
            whole.fill((byte) 0);
        }
        long bytes = JAVA_FLOAT.byteSize();
        long runs = s.step() == 1 ? 1 : s.length();
        long run = (s.step() == 1 ? s.length() : 1) * s.inner();
        if (run == 0) {
            return;
        }
        for (long o = 0; o < s.outer(); o++) {
            for (long j = 0; j < runs; j++) {
                long w = ((o * s.size() + s.start() + j * s.step()) * s.inner()) * bytes;
                long q = ((o * s.length() + j) * s.inner()) * bytes;
                if (toWhole) {
                    MemorySegment.copy(part, q, whole, w, run * bytes);
                } else {
                    MemorySegment.copy(whole, w, part, q, run * bytes);
                }
            }
        }
    }
}
