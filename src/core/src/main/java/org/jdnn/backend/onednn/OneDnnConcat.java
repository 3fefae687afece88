package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Concat on oneDNN ({@code dnnl_concat}) and split as one reorder per part from a sub-memory view of the
 * source (a strided window at the part's offset along the axis) into the dense part.
 */
final class OneDnnConcat {
    private final OneDnnBackend backend;

    OneDnnConcat(OneDnnBackend backend) {
        this.backend = backend;
    }

    /**
     * Registers concat (counted "concat") and split (counted "split"). oneDNN has no zero-sized memory: empty parts
     * contribute nothing and are left out, and an empty result needs no primitive.
     */
    void register(KernelTable table) {
        table.put(ConcatOps.CONCAT, (p, in, out) -> {
                    if (out[0].numel() == 0) {
                        return;
                    }
                    ConcatShapes s = shapes(p.axis(), in);
                    List<Tensor> parts = Arrays.stream(in).filter(t -> t.numel() > 0).toList();
                    concat(s.axis(), parts.stream().map(Tensor::shape).toList(),
                            parts.stream().map(TensorAccess::segment).toList(), out[0].shape(),
                            TensorAccess.segment(out[0]));
                })
                .put(ConcatOps.SPLIT, (p, in, out) -> {
                    ConcatShapes s = shapes(p.axis(), out);
                    for (int i = 0; i < out.length; i++) {
                        if (out[i].numel() > 0) {
                            split(s.axis(), in[0].shape(), TensorAccess.segment(in[0]), s.offset(i), out[i].shape(),
                                    TensorAccess.segment(out[i]));
                        }
                    }
                });
    }

    private static ConcatShapes shapes(int axis, Tensor[] parts) {
        return ConcatShapes.infer("concat", axis, Arrays.stream(parts).map(Tensor::shape).toList());
    }

    private record ConcatKey(List<Shape> parts, Shape dst, int axis, int threads) {
    }

    private record SplitKey(Shape src, Shape part, int axis, long offset, int threads) {
    }

    /** {@code parts} are the non-empty sources (at least one), in order. */
    void concat(int axis, List<Shape> parts, List<MemorySegment> data, Shape dst, MemorySegment dstData) {
        ConcatKey key = new ConcatKey(List.copyOf(parts), dst, axis, ThreadCount.get());
        MemorySegment[] args = new MemorySegment[data.size() + 1];
        for (int i = 0; i < data.size(); i++) {
            args[i] = data.get(i);
        }
        args[data.size()] = dstData;
        backend.execute("concat", key, () -> createConcat(key), args);
    }

    /** Copies the window of {@code src} at {@code offset} along {@code axis} of {@code part}'s size into {@code partData}. */
    void split(int axis, Shape src, MemorySegment srcData, long offset, Shape part, MemorySegment partData) {
        SplitKey key = new SplitKey(src, part, axis, offset, ThreadCount.get());
        backend.execute("split", key, () -> createSplit(key), srcData, partData);
    }

    private CachedPrimitive createConcat(ConcatKey key) {
        String label = "concat " + key;
        try (Descriptors d = new Descriptors(); Arena arena = Arena.ofConfined()) {
            MemorySegment srcMds = arena.allocate(ADDRESS, key.parts().size());
            int[] args = new int[key.parts().size() + 1];
            for (int i = 0; i < key.parts().size(); i++) {
                srcMds.setAtIndex(ADDRESS, i, d.plain(key.parts().get(i).dims()));
                args[i] = dnnl_h.DNNL_ARG_MULTIPLE_SRC() + i;
            }
            args[key.parts().size()] = dnnl_h.DNNL_ARG_DST();
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_concat_primitive_desc_create(slot, backend.engine().handle(), d.plain(key.dst().dims()),
                    key.parts().size(), key.axis(), srcMds, d.userScratchpadAttr()),
                    "dnnl_concat_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0), args, label);
        }
    }

    private CachedPrimitive createSplit(SplitKey key) {
        String label = "split " + key;
        try (Descriptors d = new Descriptors()) {
            long[] offsets = new long[key.src().rank()];
            offsets[key.axis()] = key.offset();
            MemorySegment window = d.submemory(d.plain(key.src().dims()), key.part().dims(), offsets);
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_reorder_primitive_desc_create(slot, window, backend.engine().handle(),
                    d.plain(key.part().dims()), backend.engine().handle(), d.userScratchpadAttr()),
                    "dnnl_reorder_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_FROM(), dnnl_h.DNNL_ARG_TO()}, label);
        }
    }
}
