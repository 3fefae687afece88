package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Reductions on oneDNN ({@code dnnl_reduction_sum/mean/max}): dst has the source's rank with 1 on every
 * reduced axis (keepDim only changes the user-visible shape, not the memory). Backward is composed from
 * binary primitives: sum/mean multiply a memory filled with 1 (or 1/count) by the broadcast gradient; max
 * builds the mask src == max with a binary EQ and multiplies it by the broadcast gradient, which is right when each
 * slice has exactly one maximum and no NaN; slices with ties (or NaN) follow the first-max rule on the reference
 * (a declared fallback, decided by one scan of src).
 *
 * <p>oneDNN's reduction has a jit kernel only when the reduced axes are the innermost ones; over leading axes (the
 * bias gradient of a linear layer: a sum over axis 0 of (batch, features)) it runs {@code ref:any}. A sum or mean
 * over a leading run of axes is therefore computed as the matmul {@code ones(1, M) @ src(M, N)} (ones = 1/M for the
 * mean), M the product of the reduced sizes and N of the kept ones. Measured on one AVX2 core, best of 7 x 20 runs:
 * <pre>
 *   sum over axis 0     reduction (ref:any)   matmul (brg_matmul)
 *   (128, 120)              0.324 ms             0.003 ms
 *   (128, 84)               0.283 ms             0.004 ms
 *   (128, 10)               0.035 ms             0.003 ms
 *   (32, 16)                0.011 ms             0.002 ms
 *   (4096, 1000)            77.2 ms              0.96 ms
 * </pre>
 * (Describing the source transposed through strides, to reduce the innermost axis, still gets {@code ref:any}.)
 */
final class OneDnnReduction {
    private final OneDnnBackend backend;
    private final OneDnnBinary binary;

    OneDnnReduction(OneDnnBackend backend, OneDnnBinary binary) {
        this.backend = backend;
        this.binary = binary;
    }

    private record Key(int algorithm, Shape src, Shape dst, int threads) {
    }

    /**
     * Registers reduction and its backward. A reduction over nothing (an empty source, a non-empty result:
     * sum 0, mean NaN) and a max backward with ties or NaN in some slice fall back to the reference.
     */
    void register(KernelTable table) {
        table.put(ReductionOps.REDUCE, (p, in, out) -> reduce(p, in[0], out[0]),
                        Fallback.toReference("a reduction over nothing (oneDNN has no zero-sized memory)",
                                (p, in, out) -> in[0].numel() == 0 && out[0].numel() > 0),
                        Fallback.toReference("a max over NaN (oneDNN's max skips NaN; PyTorch's propagates it)",
                                (p, in, out) -> p.algorithm() == ReductionAlgorithm.MAX && SpecialValues.anyNaN(in[0])))
                .put(ReductionOps.REDUCE_BACKWARD, (p, in, out) -> reduceBackward(p, in[0], in[1], in[2], out[0]),
                        Fallback.toReference("a max with ties or NaN in some slice (the first-max rule)",
                                (p, in, out) -> p.algorithm() == ReductionAlgorithm.MAX
                                        && tiedOrNaNMaximum(ReductionShapes.infer(p, in[0].shape()), in[0])));
    }

    /**
     * Copies {@code src} to {@code dst} and returns true when only size-1 axes are reduced ({@code from} equals
     * {@code to}, both padded to one rank): every reduction, its backward and sum_to_shape are then the identity.
     */
    static boolean copiedWhenIdentity(long[] from, long[] to, Tensor src, Tensor dst) {
        if (!Arrays.equals(from, to)) {
            return false;
        }
        TensorAccess.segment(dst).copyFrom(TensorAccess.segment(src));
        return true;
    }

    private void reduce(ReductionParams params, Tensor src, Tensor dst) {
        if (dst.numel() == 0) {
            return;
        }
        ReductionShapes s = ReductionShapes.infer(params, src.shape());
        long[] from = BroadcastShapes.padded(src.shape(), src.rank());
        long[] to = BroadcastShapes.padded(Shape.of(s.keptDims()), from.length);
        if (!copiedWhenIdentity(from, to, src, dst)) {
            forward(params.algorithm(), from, to, TensorAccess.segment(src), TensorAccess.segment(dst));
        }
    }

    private void reduceBackward(ReductionParams params, Tensor src, Tensor dst, Tensor diffDst, Tensor diffSrc) {
        if (src.numel() == 0) {
            return;
        }
        ReductionShapes s = ReductionShapes.infer(params, src.shape());
        long[] from = BroadcastShapes.padded(src.shape(), src.rank());
        long[] to = BroadcastShapes.padded(Shape.of(s.keptDims()), from.length);
        if (copiedWhenIdentity(from, to, diffDst, diffSrc)) {
            return;
        }
        if (params.algorithm() != ReductionAlgorithm.MAX) {
            backwardLinear(params.algorithm(), from, to, s.reductionSize(), TensorAccess.segment(diffDst),
                    TensorAccess.segment(diffSrc));
        } else {
            backwardMax(from, to, TensorAccess.segment(src), TensorAccess.segment(dst), TensorAccess.segment(diffDst),
                    TensorAccess.segment(diffSrc));
        }
    }

    /**
     * Whether some slice of a max over more than one element has several maximal elements or a NaN: there the mask
     * src == max would not pick exactly the first maximum. One pass over src, folding each element into its slice.
     */
    static boolean tiedOrNaNMaximum(ReductionShapes s, Tensor src) {
        if (s.reductionSize() <= 1 || src.numel() == 0) {
            return false;
        }
        long[] dims = src.dims(), kept = s.keptDims();
        int rank = dims.length;
        long[] strides = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            strides[d] = s.reduced()[d] ? 0 : stride;
            stride *= kept[d];
        }
        int slices = Math.toIntExact(stride);
        float[] max = new float[slices];
        int[] count = new int[slices];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        MemorySegment data = TensorAccess.segment(src);
        long[] coordinate = new long[rank];
        long j = 0;
        for (long i = 0, n = src.numel(); i < n; i++) {
            float v = data.getAtIndex(JAVA_FLOAT, i);
            if (Float.isNaN(v)) {
                return true;
            }
            int slice = (int) j;
            if (v > max[slice]) {
                max[slice] = v;
                count[slice] = 1;
            } else if (v == max[slice]) {
                count[slice]++;
            }
            for (int d = rank - 1; d >= 0; d--) { // the next row-major coordinate, and its slice
                j += strides[d];
                if (++coordinate[d] < dims[d]) {
                    break;
                }
                j -= strides[d] * dims[d];
                coordinate[d] = 0;
            }
        }
        for (int c : count) {
            if (c != 1) {
                return true;
            }
        }
        return false;
    }

    /** The matmul (1, m) x (m, n) -> (1, n) that sums (or averages) m rows of n. */
    private record RowSumKey(long m, long n, int threads) {
    }

    /**
     * {@code dst = reduce(src)} from {@code srcDims} to {@code keptDims} (same rank, 1 on reduced axes, at least
     * rank 1; at least one axis actually shrinks). Counted under "reduction".
     */
    void forward(ReductionAlgorithm algorithm, long[] srcDims, long[] keptDims, MemorySegment src, MemorySegment dst) {
        long[][] simple = simplified(srcDims, keptDims);
        srcDims = simple[0];
        keptDims = simple[1];
        int alg = switch (algorithm) {
            case SUM -> dnnl_h.dnnl_reduction_sum();
            case MEAN -> dnnl_h.dnnl_reduction_mean();
            case MAX -> dnnl_h.dnnl_reduction_max();
        };
        int leading = leadingReducedAxes(srcDims, keptDims);
        if (algorithm != ReductionAlgorithm.MAX && leading > 0) {
            long m = 1, n = 1;
            for (int i = 0; i < srcDims.length; i++) {
                if (i < leading) m *= srcDims[i];
                else n *= srcDims[i];
            }
            sumRows(algorithm == ReductionAlgorithm.MEAN, m, n, src, dst);
            return;
        }
        Key key = new Key(alg, Shape.of(srcDims), Shape.of(keptDims), ThreadCount.get());
        backend.execute("reduction", key, () -> create(backend, key), src, dst);
    }

    /**
     * The implementation oneDNN picks for the reduction primitive {@link #forward} would run from {@code srcDims} to
     * {@code keptDims} (after {@link #simplified}), e.g. "jit:uni"; for tests.
     */
    static String implementation(OneDnnBackend backend, ReductionAlgorithm algorithm, long[] srcDims, long[] keptDims) {
        long[][] simple = simplified(srcDims, keptDims);
        int alg = switch (algorithm) {
            case SUM -> dnnl_h.dnnl_reduction_sum();
            case MEAN -> dnnl_h.dnnl_reduction_mean();
            case MAX -> dnnl_h.dnnl_reduction_max();
        };
        Key key = new Key(alg, Shape.of(simple[0]), Shape.of(simple[1]), ThreadCount.get());
        return backend.cachedPrimitive(key, () -> create(backend, key)).implementation();
    }

    /**
     * The same reduction over the fewest axes: size-1 axes dropped and each run of neighbouring axes that are all
     * reduced (or all kept) merged into one, which describes the same row-major bytes. oneDNN's jit reduction wants
     * the reduced axes innermost and contiguous; a size-1 axis between them is neither reduced nor kept to it, so
     * the mean of a [16, 1, 64, 64] loss (the U-Net's per-pixel BCE) took {@code ref:any} as it came and runs jit as
     * [65536] -> [1].
     */
    static long[][] simplified(long[] srcDims, long[] keptDims) {
        long[] src = new long[srcDims.length], kept = new long[srcDims.length];
        int rank = 0;
        boolean lastReduced = false;
        for (int i = 0; i < srcDims.length; i++) {
            if (srcDims[i] == 1) {
                continue;
            }
            boolean reduced = keptDims[i] == 1;
            if (rank > 0 && reduced == lastReduced) {
                src[rank - 1] *= srcDims[i];
                kept[rank - 1] *= keptDims[i];
            } else {
                src[rank] = srcDims[i];
                kept[rank] = keptDims[i];
                rank++;
            }
            lastReduced = reduced;
        }
        if (rank == 0) { // only size-1 axes: one element, kept as [1]
            return new long[][] {{1}, {1}};
        }
        return new long[][] {Arrays.copyOf(src, rank), Arrays.copyOf(kept, rank)};
    }

    /**
     * How many leading axes a reduction runs over when it is exactly those (every later axis kept, at least one
     * of them larger than 1: a full reduction has a jit kernel); 0 when it has another form.
     */
    static int leadingReducedAxes(long[] srcDims, long[] keptDims) {
        int leading = 0;
        while (leading < srcDims.length && keptDims[leading] == 1) {
            leading++;
        }
        long kept = 1;
        for (int i = leading; i < srcDims.length; i++) {
            if (keptDims[i] != srcDims[i]) {
                return 0;
            }
            kept *= srcDims[i];
        }
        return kept > 1 ? leading : 0;
    }

    private void sumRows(boolean mean, long m, long n, MemorySegment src, MemorySegment dst) {
        RowSumKey key = new RowSumKey(m, n, ThreadCount.get());
        // O(m) next to the O(m n) product; the pool hands the same block back every step.
        MemorySegment ones = HostMemory.allocate(m * Float.BYTES);
        try {
            float value = mean ? (float) (1.0 / m) : 1f;
            for (long i = 0; i < m; i++) {
                ones.setAtIndex(JAVA_FLOAT, i, value);
            }
            backend.execute("reduction", key, () -> createRowSum(key), ones, src, dst);
        } finally {
            HostMemory.release(ones);
        }
        KernelPaths.record(KernelPaths.REDUCTION_MATMUL);
    }

    private CachedPrimitive createRowSum(RowSumKey key) {
        String label = "reduction as matmul " + key;
        try (Descriptors d = new Descriptors()) {
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_matmul_primitive_desc_create(slot, backend.engine().handle(), d.plain(1, key.m()),
                    d.plain(key.m(), key.n()), MemorySegment.NULL, d.plain(1, key.n()), d.userScratchpadAttr()),
                    "dnnl_matmul_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()}, label);
        }
    }

    /** Sum and mean backward; diffSrc is overwritten. */
    void backwardLinear(ReductionAlgorithm algorithm, long[] srcDims, long[] keptDims, long count,
                        MemorySegment diffDst, MemorySegment diffSrc) {
        // A memory fill, not arithmetic: the scaling itself is oneDNN's multiply.
        float factor = algorithm == ReductionAlgorithm.MEAN ? (float) (1.0 / count) : 1f;
        fill(diffSrc, factor);
        binary.run("reduction", dnnl_h.dnnl_binary_mul(), Shape.of(srcDims), diffSrc, Shape.of(keptDims), diffDst,
                Shape.of(srcDims), diffSrc);
    }

    /** Max backward, for slices with one maximum each and no NaN (see {@link #tiedOrNaNMaximum}); diffSrc is overwritten. */
    void backwardMax(long[] srcDims, long[] keptDims, MemorySegment src, MemorySegment dst, MemorySegment diffDst,
                     MemorySegment diffSrc) {
        Shape full = Shape.of(srcDims), kept = Shape.of(keptDims);
        binary.run("reduction", dnnl_h.dnnl_binary_eq(), full, src, kept, dst, full, diffSrc);
        binary.run("reduction", dnnl_h.dnnl_binary_mul(), full, diffSrc, kept, diffDst, full, diffSrc);
    }

    private static void fill(MemorySegment data, float value) {
        for (long i = 0, n = data.byteSize() / Float.BYTES; i < n; i++) {
            data.setAtIndex(JAVA_FLOAT, i, value);
        }
    }

    private static CachedPrimitive create(OneDnnBackend backend, Key key) {
        String label = "reduction " + key;
        try (Descriptors d = new Descriptors()) {
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_reduction_primitive_desc_create(slot, backend.engine().handle(), key.algorithm(),
                    d.plain(key.src().dims()), d.plain(key.dst().dims()), 0f, 0f, d.userScratchpadAttr()),
                    "dnnl_reduction_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()}, label);
        }
    }
}
