package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_h;
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
     * {@code dst = reduce(src)} from {@code srcDims} to {@code keptDims} (same rank, 1 on reduced axes, at least
     * rank 1; at least one axis actually shrinks). Counted under "reduction".
     */
    void forward(ReductionAlgorithm algorithm, long[] srcDims, long[] keptDims, MemorySegment src, MemorySegment dst) {
        int alg = switch (algorithm) {
            case SUM -> dnnl_h.dnnl_reduction_sum();
            case MEAN -> dnnl_h.dnnl_reduction_mean();
            case MAX -> dnnl_h.dnnl_reduction_max();
        };
        Key key = new Key(alg, Shape.of(srcDims), Shape.of(keptDims), ThreadCount.get());
        backend.execute("reduction", key, () -> create(key), src, dst);
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
