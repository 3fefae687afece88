package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.dnnl.Dnnl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Everything a oneDNN memory descriptor says about each element: its data type (a float32 copy held in a blocked
 * layout is not the bf16 one a primitive wants in the same layout) and where it lives (dims, padding, strides, inner
 * blocks), as a Java value: two equal formats describe the same bytes, so it can key a cached primitive and
 * tell whether a tensor held in a native layout is in the one a primitive wants without a native call.
 */
record MemoryFormat(int dataType, List<Long> dims, List<Long> paddedDims, List<Long> paddedOffsets, long offset, int formatKind,
                    List<Long> strides, List<Long> innerBlocks, List<Long> innerIndices) {

    static MemoryFormat of(MemorySegment md) {
        try (Arena arena = Arena.ofConfined()) {
            int ndims = queryInt(arena, md, dnnl_h.dnnl_query_ndims_s32());
            int nblks = queryInt(arena, md, dnnl_h.dnnl_query_inner_nblks_s32());
            MemorySegment offset = arena.allocate(JAVA_LONG);
            Dnnl.check(dnnl_h.dnnl_memory_desc_query(md, dnnl_h.dnnl_query_submemory_offset_s64(), offset),
                    "dnnl_memory_desc_query");
            return new MemoryFormat(queryInt(arena, md, dnnl_h.dnnl_query_data_type()), queryArray(arena, md, dnnl_h.dnnl_query_dims(), ndims),
                    queryArray(arena, md, dnnl_h.dnnl_query_padded_dims(), ndims),
                    queryArray(arena, md, dnnl_h.dnnl_query_padded_offsets(), ndims), offset.get(JAVA_LONG, 0),
                    queryInt(arena, md, dnnl_h.dnnl_query_format_kind()),
                    queryArray(arena, md, dnnl_h.dnnl_query_strides(), ndims),
                    queryArray(arena, md, dnnl_h.dnnl_query_inner_blks(), nblks),
                    queryArray(arena, md, dnnl_h.dnnl_query_inner_idxs(), nblks));
        }
    }

    /** Whether this format's logical dims are exactly {@code dims} (a tensor's shape; views may differ). */
    boolean hasDims(long[] dims) {
        if (dims.length != this.dims.size()) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != this.dims.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static int queryInt(Arena arena, MemorySegment md, int what) {
        MemorySegment out = arena.allocate(JAVA_INT);
        Dnnl.check(dnnl_h.dnnl_memory_desc_query(md, what, out), "dnnl_memory_desc_query");
        return out.get(JAVA_INT, 0);
    }

    /** Array queries hand back a pointer to the descriptor's own array. */
    private static List<Long> queryArray(Arena arena, MemorySegment md, int what, int length) {
        if (length == 0) {
            return List.of();
        }
        MemorySegment out = arena.allocate(ADDRESS);
        Dnnl.check(dnnl_h.dnnl_memory_desc_query(md, what, out), "dnnl_memory_desc_query");
        long[] values = out.get(ADDRESS, 0).reinterpret(length * JAVA_LONG.byteSize()).toArray(JAVA_LONG);
        return Arrays.stream(values).boxed().toList();
    }
}
