package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.dnnl.Dnnl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The short-lived oneDNN objects a primitive descriptor is created from (memory descriptors, attributes,
 * out-parameters): all freed when this closes, right after the descriptor exists.
 */
final class Descriptors implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> memoryDescs = new ArrayList<>();
    private final List<MemorySegment> attrs = new ArrayList<>();
    private final List<MemorySegment> primitiveDescs = new ArrayList<>();

    /** A float32 memory descriptor with explicit strides (elements). */
    MemorySegment strided(long[] dims, long[] strides) {
        return strided(dims, strides, dnnl_h.dnnl_f32());
    }

    /** A memory descriptor of {@code dataType} (dnnl_f32, dnnl_bf16, ...) with explicit strides (elements). */
    MemorySegment strided(long[] dims, long[] strides, int dataType) {
        MemorySegment out = arena.allocate(ADDRESS);
        Dnnl.check(dnnl_h.dnnl_memory_desc_create_with_strides(out, dims.length, arena.allocateFrom(JAVA_LONG, dims),
                dataType, arena.allocateFrom(JAVA_LONG, strides)), "dnnl_memory_desc_create_with_strides");
        MemorySegment md = out.get(ADDRESS, 0);
        memoryDescs.add(md);
        return md;
    }

    /** A dense row-major float32 memory descriptor. */
    MemorySegment plain(long... dims) {
        return plainOf(dnnl_h.dnnl_f32(), dims);
    }

    /** A dense row-major memory descriptor of {@code dataType} (dnnl_f32, dnnl_bf16, ...). */
    MemorySegment plainOf(int dataType, long... dims) {
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= Math.max(dims[i], 1);
        }
        return strided(dims, strides, dataType);
    }

    /** A float32 memory descriptor in a oneDNN format tag (e.g. dnnl_nChw8c, or dnnl_format_tag_any: the primitive picks). */
    MemorySegment tagged(int tag, long... dims) {
        MemorySegment out = arena.allocate(ADDRESS);
        Dnnl.check(dnnl_h.dnnl_memory_desc_create_with_tag(out, dims.length, arena.allocateFrom(JAVA_LONG, dims),
                dnnl_h.dnnl_f32(), tag), "dnnl_memory_desc_create_with_tag");
        MemorySegment md = out.get(ADDRESS, 0);
        memoryDescs.add(md);
        return md;
    }

    /** Attributes with a user-managed scratchpad: the library's shared scratchpad is unsafe across JVM threads. */
    MemorySegment userScratchpadAttr() {
        MemorySegment out = arena.allocate(ADDRESS);
        Dnnl.check(dnnl_h.dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create");
        MemorySegment attr = out.get(ADDRESS, 0);
        attrs.add(attr);
        Dnnl.check(dnnl_h.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_h.dnnl_scratchpad_mode_user()),
                "dnnl_primitive_attr_set_scratchpad_mode");
        return attr;
    }

    /**
     * Attributes with a user-managed scratchpad and, in this order, the sum post-op (the primitive adds what its dst
     * holds before the call, scale 1) and the ReLU eltwise post-op, each when asked.
     */
    MemorySegment postOpsAttr(boolean sum, boolean relu) {
        MemorySegment attr = userScratchpadAttr();
        MemorySegment out = arena.allocate(ADDRESS);
        Dnnl.check(dnnl_h.dnnl_post_ops_create(out), "dnnl_post_ops_create");
        MemorySegment postOps = out.get(ADDRESS, 0);
        try {
            if (sum) {
                Dnnl.check(dnnl_h.dnnl_post_ops_append_sum(postOps, 1f, 0, dnnl_h.dnnl_f32()), "dnnl_post_ops_append_sum");
            }
            if (relu) {
                Dnnl.check(dnnl_h.dnnl_post_ops_append_eltwise(postOps, dnnl_h.dnnl_eltwise_relu(), 0f, 0f),
                        "dnnl_post_ops_append_eltwise");
            }
            // The attributes keep their own copy of the post-ops.
            Dnnl.check(dnnl_h.dnnl_primitive_attr_set_post_ops(attr, postOps), "dnnl_primitive_attr_set_post_ops");
        } finally {
            dnnl_h.dnnl_post_ops_destroy(postOps);
        }
        return attr;
    }

    /** An out-parameter slot for a primitive descriptor handle. */
    MemorySegment handleSlot() {
        return arena.allocate(ADDRESS);
    }

    /** A primitive descriptor only needed while this is open (e.g. a forward hint for a backward descriptor). */
    MemorySegment temporary(MemorySegment primitiveDesc) {
        primitiveDescs.add(primitiveDesc);
        return primitiveDesc;
    }

    @Override
    public void close() {
        primitiveDescs.forEach(pd -> dnnl_h.dnnl_primitive_desc_destroy(pd));
        memoryDescs.forEach(md -> dnnl_h.dnnl_memory_desc_destroy(md));
        attrs.forEach(attr -> dnnl_h.dnnl_primitive_attr_destroy(attr));
        arena.close();
    }

    // ---- sub-memory ----

    /** A view of {@code parent} of size {@code dims} starting at {@code offsets} (e.g. one part of a split). */
    MemorySegment submemory(MemorySegment parent, long[] dims, long[] offsets) {
        MemorySegment out = arena.allocate(ADDRESS);
        Dnnl.check(dnnl_h.dnnl_memory_desc_create_submemory(out, parent, arena.allocateFrom(JAVA_LONG, dims),
                arena.allocateFrom(JAVA_LONG, offsets)), "dnnl_memory_desc_create_submemory");
        MemorySegment md = out.get(ADDRESS, 0);
        memoryDescs.add(md);
        return md;
    }
}
