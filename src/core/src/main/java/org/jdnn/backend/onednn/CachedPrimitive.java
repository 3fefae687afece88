package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_exec_arg_t;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.natives.dnnl.DnnlEngine;
import org.jdnn.natives.dnnl.DnnlStream;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * A ready-to-run oneDNN primitive with everything an execute needs prepared once: one memory object per
 * argument (its data handle is swapped per call), the native argument array, and its own scratchpad.
 * Executing costs a few set_data_handle calls, the execute and the stream wait. Executes are serialised
 * per primitive because the memory objects are shared.
 *
 * <p>A primitive created with format_tag any may choose other layouts than the caller's plain tensors: for
 * such arguments it holds a {@link LayoutReorder}, and it runs on tensors
 * ({@link #execute(OneDnnBackend, DnnlStream, Tensor...)}): an input already held in the chosen layout is read as
 * it is, else reordered into a temporary buffer; an output stays held in the chosen layout ({@link BlockedCopy}).
 * The buffers come from the pooled {@link HostMemory} per execute rather than living in the cache entry, so cached
 * entries (up to the cache capacity) do not pin activation-sized blocks; in steady state the pool hands back the
 * previous step's blocks without malloc.
 */
final class CachedPrimitive implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CachedPrimitive.class.getName());

    private final String label;
    private final MemorySegment primitiveDesc;
    private final MemorySegment primitive;
    private final MemorySegment[] memories;
    private final LayoutReorder[] reorders;
    /** For a sum post-op into a dst in a layout of the primitive's choice: the residual's reorder into it; else null. */
    private final LayoutReorder residualIn;
    private final boolean reordered;
    private final MemorySegment scratchpadMemory;
    private final MemorySegment scratchpad;
    private final Arena arena;
    private final MemorySegment args;
    private final String implementation;
    private boolean closed;

    /**
     * Takes ownership of {@code primitiveDesc} and builds the primitive for the given arguments
     * (DNNL_ARG_* values, in the order {@link #execute} will receive their data).
     */
    CachedPrimitive(DnnlEngine engine, MemorySegment primitiveDesc, int[] argKinds, String label) {
        this(engine, primitiveDesc, argKinds, null, null, label);
    }

    /**
     * Like {@link #CachedPrimitive(DnnlEngine, MemorySegment, int[], String)} for a primitive that chose its own
     * layouts: {@code userMds[i]} (null: same as the primitive's) is the layout the caller's data for argument i
     * is in, {@code outputs[i]} whether the primitive writes it. Where the primitive's layout differs, the
     * argument is reordered. The descriptors are copied; the caller keeps ownership.
     */
    CachedPrimitive(DnnlEngine engine, MemorySegment primitiveDesc, int[] argKinds, MemorySegment[] userMds,
                    boolean[] outputs, String label) {
        this(engine, primitiveDesc, argKinds, userMds, outputs, false, label);
    }

    /**
     * As above; {@code sumIntoDst}: the primitive has a sum post-op, so its last argument (dst) is filled with a
     * residual before each run ({@link #executeAccumulating}).
     */
    CachedPrimitive(DnnlEngine engine, MemorySegment primitiveDesc, int[] argKinds, MemorySegment[] userMds,
                    boolean[] outputs, boolean sumIntoDst, String label) {
        this.label = label;
        this.primitiveDesc = primitiveDesc;
        this.arena = Arena.ofShared();
        this.memories = new MemorySegment[argKinds.length];
        this.reorders = new LayoutReorder[argKinds.length];
        MemorySegment createdPrimitive = null;
        MemorySegment createdScratchpadMemory = null;
        MemorySegment createdScratchpad = null;
        LayoutReorder createdResidualIn = null;
        try {
            MemorySegment slot = arena.allocate(ADDRESS);
            Dnnl.check(dnnl_h.dnnl_primitive_create(slot, primitiveDesc), "dnnl_primitive_create", label);
            createdPrimitive = slot.get(ADDRESS, 0);

            MemorySegment scratchMd = dnnl_h.dnnl_primitive_desc_query_md(primitiveDesc, dnnl_h.dnnl_query_scratchpad_md(), 0);
            long scratchBytes = scratchMd.equals(MemorySegment.NULL) ? 0 : dnnl_h.dnnl_memory_desc_get_size(scratchMd);
            int count = argKinds.length + (scratchBytes > 0 ? 1 : 0);
            this.args = dnnl_exec_arg_t.allocateArray(count, arena);
            for (int i = 0; i < argKinds.length; i++) {
                MemorySegment md = dnnl_h.dnnl_primitive_desc_query_md(primitiveDesc, dnnl_h.dnnl_query_exec_arg_md(), argKinds[i]);
                memories[i] = createMemory(engine, md, MemorySegment.NULL, slot);
                MemorySegment userMd = userMds == null ? null : userMds[i];
                if (userMd != null && dnnl_h.dnnl_memory_desc_equal(userMd, md) == 0) {
                    reorders[i] = new LayoutReorder(engine, userMd, md, outputs[i], label + " arg " + argKinds[i]);
                }
                MemorySegment arg = dnnl_exec_arg_t.asSlice(args, i);
                dnnl_exec_arg_t.arg(arg, argKinds[i]);
                dnnl_exec_arg_t.memory(arg, memories[i]);
            }
            if (scratchBytes > 0) {
                createdScratchpad = HostMemory.allocate(scratchBytes);
                createdScratchpadMemory = createMemory(engine, scratchMd, createdScratchpad, slot);
                MemorySegment arg = dnnl_exec_arg_t.asSlice(args, argKinds.length);
                dnnl_exec_arg_t.arg(arg, dnnl_h.DNNL_ARG_SCRATCHPAD());
                dnnl_exec_arg_t.memory(arg, createdScratchpadMemory);
            }
            int dst = argKinds.length - 1;
            if (sumIntoDst && reorders[dst] != null) {
                createdResidualIn = new LayoutReorder(engine, userMds[dst], reorders[dst].internalMd(), false,
                        label + " residual");
            }
            this.implementation = implementation(primitiveDesc);
        } catch (RuntimeException e) {
            if (createdResidualIn != null) createdResidualIn.close();
            for (MemorySegment memory : memories) {
                if (memory != null) dnnl_h.dnnl_memory_destroy(memory);
            }
            for (LayoutReorder reorder : reorders) {
                if (reorder != null) reorder.close();
            }
            if (createdScratchpadMemory != null) dnnl_h.dnnl_memory_destroy(createdScratchpadMemory);
            if (createdScratchpad != null) HostMemory.release(createdScratchpad);
            if (createdPrimitive != null) dnnl_h.dnnl_primitive_destroy(createdPrimitive);
            dnnl_h.dnnl_primitive_desc_destroy(primitiveDesc);
            arena.close();
            throw e;
        }
        this.primitive = createdPrimitive;
        this.scratchpadMemory = createdScratchpadMemory;
        this.scratchpad = createdScratchpad;
        this.residualIn = createdResidualIn;
        this.reordered = reorderCount() > 0;
        LOG.log(System.Logger.Level.DEBUG, () -> "oneDNN " + label + " -> " + implementation
                + (reordered ? " (" + reorderCount() + " args reordered to the primitive's layout)" : ""));
    }

    private MemorySegment createMemory(DnnlEngine engine, MemorySegment md, MemorySegment data, MemorySegment slot) {
        Dnnl.check(dnnl_h.dnnl_memory_create(slot, md, engine.handle(), data), "dnnl_memory_create", label);
        return slot.get(ADDRESS, 0);
    }

    /** The implementation a primitive descriptor picked (its impl_info_str), e.g. "jit:avx2"; "unknown" if it says none. */
    static String implementation(MemorySegment pd) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment out = local.allocate(ADDRESS);
            int status = dnnl_h.dnnl_primitive_desc_query(pd, dnnl_h.dnnl_query_impl_info_str(), 0, out);
            return status == dnnl_h.dnnl_success() ? out.get(ADDRESS, 0).reinterpret(256).getString(0) : "unknown";
        }
    }

    /** The implementation oneDNN chose, e.g. "brg_matmul:avx2"; a "ref:" one on a hot path is a performance bug. */
    String implementation() {
        return implementation;
    }

    /** The primitive descriptor, e.g. as the hint for a backward descriptor. Valid while this is open. */
    MemorySegment primitiveDesc() {
        return primitiveDesc;
    }

    /** The size in bytes of the memory descriptor the primitive descriptor reports for {@code query}; -1 if evicted meanwhile. */
    synchronized long queryMdBytes(int query) {
        if (closed) {
            return -1;
        }
        MemorySegment md = dnnl_h.dnnl_primitive_desc_query_md(primitiveDesc, query, 0);
        return md.equals(MemorySegment.NULL) ? 0 : dnnl_h.dnnl_memory_desc_get_size(md);
    }

    /**
     * Runs the primitive on {@code data} (one segment per argument, in constructor order) and waits. False if evicted
     * meanwhile. Only for primitives on the caller's layouts: one that chose its own runs on tensors
     * ({@link #execute(OneDnnBackend, DnnlStream, Tensor...)}), which handles the reorders and held copies.
     */
    synchronized boolean execute(DnnlStream stream, MemorySegment... data) {
        if (closed) {
            return false;
        }
        if (reordered) {
            throw new IllegalStateException("oneDNN " + label + " chose its own layouts: execute it on tensors");
        }
        for (int i = 0; i < memories.length; i++) {
            Dnnl.check(dnnl_h.dnnl_memory_set_data_handle(memories[i], data[i]), "dnnl_memory_set_data_handle", label);
        }
        run(stream);
        stream.waitFor();
        return true;
    }

    /**
     * Runs the primitive on {@code tensors} (one per argument, in constructor order) and waits; false if evicted
     * meanwhile. Where the primitive chose its own layout for an argument: an input held in exactly that layout is
     * read as it is (else its plain bytes are reordered in), and an output is left held in it when the backend holds
     * layouts (else reordered out to plain). An input held in some other layout goes through plain: a direct reorder
     * between two blocked layouts measured slower (LeNet conv1's nChw8c gradient into NHWC: 0.58 ms against
     * 0.22 + 0.23).
     */
    synchronized boolean execute(OneDnnBackend backend, DnnlStream stream, Tensor... tensors) {
        return executeAccumulating(backend, stream, null, tensors);
    }

    /**
     * As {@link #execute(OneDnnBackend, DnnlStream, Tensor...)} for a primitive with a sum post-op: dst (the last
     * argument) first receives {@code residual} (null: nothing, for a primitive without one), in the primitive's
     * layout: copied as it is when held in that layout, else reordered from plain.
     */
    synchronized boolean executeAccumulating(OneDnnBackend backend, DnnlStream stream, Tensor residual,
                                             Tensor... tensors) {
        if (closed) {
            return false;
        }
        MemorySegment[] buffers = new MemorySegment[memories.length];
        BlockedCopy[] held = new BlockedCopy[memories.length];
        boolean hold = backend.holdsLayouts();
        try {
            for (int i = 0; i < memories.length; i++) {
                LayoutReorder reorder = reorders[i];
                MemorySegment handle;
                if (reorder == null) {
                    handle = TensorAccess.segment(tensors[i]);
                } else if (!reorder.output() && (held[i] = BlockedCopy.acquire(backend, tensors[i], reorder.internalFormat())) != null) {
                    handle = held[i].buffer();
                } else {
                    handle = buffers[i] = HostMemory.allocate(reorder.internalBytes());
                    if (!reorder.output()) {
                        reorder.enqueue(stream, TensorAccess.segment(tensors[i]), handle);
                    }
                }
                Dnnl.check(dnnl_h.dnnl_memory_set_data_handle(memories[i], handle), "dnnl_memory_set_data_handle", label);
                if (residual != null && i == memories.length - 1) {
                    fillWithResidual(backend, stream, residual, handle);
                }
            }
            run(stream);
            for (int i = 0; i < memories.length; i++) {
                if (reorders[i] != null && reorders[i].output() && !hold) {
                    reorders[i].enqueue(stream, TensorAccess.segment(tensors[i]), buffers[i]);
                }
            }
            stream.waitFor();
            for (int i = 0; i < memories.length; i++) {
                if (reorders[i] != null && reorders[i].output() && hold) {
                    BlockedCopy.hold(backend, tensors[i], reorders[i], buffers[i]);
                    buffers[i] = null; // the tensor owns it now
                }
            }
        } finally {
            // Wait even when an enqueue failed: earlier work may still read or write the buffers.
            stream.waitFor();
            for (MemorySegment buffer : buffers) {
                if (buffer != null) HostMemory.release(buffer);
            }
            for (BlockedCopy copy : held) {
                if (copy != null) copy.done();
            }
        }
        return true;
    }

    /** Puts {@code residual}'s elements into dst's buffer {@code dst}, in the layout the primitive chose for dst. */
    private void fillWithResidual(OneDnnBackend backend, DnnlStream stream, Tensor residual, MemorySegment dst) {
        LayoutReorder dstReorder = reorders[memories.length - 1];
        if (dstReorder == null) {
            MemorySegment plain = TensorAccess.segment(residual);
            MemorySegment.copy(plain, 0, dst, 0, plain.byteSize());
            return;
        }
        BlockedCopy held = BlockedCopy.acquire(backend, residual, dstReorder.internalFormat());
        if (held == null) {
            residualIn.enqueue(stream, TensorAccess.segment(residual), dst);
            return;
        }
        try {
            MemorySegment.copy(held.buffer(), 0, dst, 0, dstReorder.internalBytes());
        } finally {
            held.done();
        }
    }

    private void run(DnnlStream stream) {
        int count = memories.length + (scratchpadMemory != null ? 1 : 0);
        Dnnl.check(dnnl_h.dnnl_primitive_execute(primitive, stream.handle(), count, args), "dnnl_primitive_execute", label);
    }

    /** Whether some argument runs through a reorder (the primitive chose a layout other than the caller's). */
    boolean reordered() {
        return reordered;
    }

    private int reorderCount() {
        int count = 0;
        for (LayoutReorder reorder : reorders) {
            if (reorder != null) count++;
        }
        return count;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MemorySegment memory : memories) {
            dnnl_h.dnnl_memory_destroy(memory);
        }
        for (LayoutReorder reorder : reorders) {
            if (reorder != null) reorder.close();
        }
        if (residualIn != null) {
            residualIn.close();
        }
        if (scratchpadMemory != null) {
            dnnl_h.dnnl_memory_destroy(scratchpadMemory);
            HostMemory.release(scratchpad);
        }
        dnnl_h.dnnl_primitive_destroy(primitive);
        dnnl_h.dnnl_primitive_desc_destroy(primitiveDesc);
        arena.close();
    }

    @Override
    public String toString() {
        return label + " [" + implementation + "]";
    }
}
