package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.tensor.Shape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Reductions on oneDNN ({@code dnnl_reduction_sum/mean/max}): dst has the source's rank with 1 on every
 * reduced axis (keepDim only changes the user-visible shape, not the memory). Backward is composed from
 * binary primitives: sum/mean multiply a memory filled with 1 (or 1/count) by the broadcast gradient; max
 * builds the mask src == max with a binary EQ, checks with a sum reduction that each slice has exactly one
 * maximum (else returns false so the caller can route ties to the first-max rule), and multiplies the mask
 * by the broadcast gradient.
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

    /** The matmul (1, m) x (m, n) -> (1, n) that sums (or averages) m rows of n. */
    private record RowSumKey(long m, long n, int threads) {
    }

    /**
     * {@code dst = reduce(src)} from {@code srcDims} to {@code keptDims} (same rank, 1 on reduced axes, at least
     * rank 1; at least one axis actually shrinks). Counted under "reduction".
     */
    void forward(ReductionAlgorithm algorithm, long[] srcDims, long[] keptDims, MemorySegment src, MemorySegment dst) {
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
        backend.execute("reduction", key, () -> create(key), src, dst);
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

    /** Max backward; false (diffSrc undefined) when some slice has no unique maximum (ties or NaN). */
    boolean backwardMax(long[] srcDims, long[] keptDims, MemorySegment src, MemorySegment dst, MemorySegment diffDst,
                        MemorySegment diffSrc) {
        Shape full = Shape.of(srcDims), kept = Shape.of(keptDims);
        binary.run("reduction", dnnl_h.dnnl_binary_eq(), full, src, kept, dst, full, diffSrc);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counts = arena.allocate(JAVA_FLOAT, kept.numel());
            forward(ReductionAlgorithm.SUM, srcDims, keptDims, diffSrc, counts);
            for (long j = 0, n = kept.numel(); j < n; j++) {
                if (counts.getAtIndex(JAVA_FLOAT, j) != 1f) {
                    return false;
                }
            }
        }
        binary.run("reduction", dnnl_h.dnnl_binary_mul(), full, diffSrc, kept, diffDst, full, diffSrc);
        return true;
    }

    private static void fill(MemorySegment data, float value) {
        for (long i = 0, n = data.byteSize() / Float.BYTES; i < n; i++) {
            data.setAtIndex(JAVA_FLOAT, i, value);
        }
    }

    private CachedPrimitive create(Key key) {
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
