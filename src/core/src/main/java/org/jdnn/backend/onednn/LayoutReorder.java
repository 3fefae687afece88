package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_exec_arg_t;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.natives.dnnl.DnnlEngine;
import org.jdnn.natives.dnnl.DnnlStream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The bridge between one argument of a primitive that chose its own memory format (format_tag any, e.g. a
 * blocked nChw8c) and the caller's plain tensor: a cached reorder primitive from the user layout into the
 * primitive's (for inputs, run before the primitive) or back (for outputs, run after). The primitive-side
 * buffer is not owned here: the caller passes it per run (see {@link CachedPrimitive}).
 *
 * <p>An output's reorder also copies a tensor held in the primitive's layout back to plain when it is first read
 * ({@link BlockedCopy}), possibly after the primitive left the cache: so it is reference-counted, the owning
 * primitive holding one reference and each held copy another.
 */
final class LayoutReorder implements AutoCloseable {
    private final String label;
    private final boolean output;
    private final long internalBytes;
    private final MemorySegment primitiveDesc;
    private final MemorySegment primitive;
    private final MemorySegment userMemory;
    private final MemorySegment internalMemory;
    private final MemorySegment scratchpadMemory;
    private final MemorySegment scratchpad;
    private final Arena arena;
    private final MemorySegment args;
    private final int argCount;
    private final MemorySegment internalMd;
    private final MemoryFormat internalFormat;
    private final AtomicInteger references = new AtomicInteger(1);

    /**
     * A reorder between {@code userMd} (the caller's layout) and {@code internalMd} (the primitive's), from user to
     * internal when {@code output} is false, back otherwise. The descriptors are copied; the caller keeps them.
     */
    LayoutReorder(DnnlEngine engine, MemorySegment userMd, MemorySegment internalMd, boolean output, String label) {
        this.label = label;
        this.output = output;
        this.internalBytes = dnnl_h.dnnl_memory_desc_get_size(internalMd);
        this.internalFormat = MemoryFormat.of(internalMd);
        this.arena = Arena.ofShared();
        MemorySegment pd = null, prim = null, user = null, internal = null, scratchMem = null, scratch = null;
        MemorySegment mdCopy = null;
        try (Descriptors d = new Descriptors()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            Dnnl.check(dnnl_h.dnnl_memory_desc_clone(slot, internalMd), "dnnl_memory_desc_clone", label);
            mdCopy = slot.get(ADDRESS, 0);
            MemorySegment from = output ? internalMd : userMd;
            MemorySegment to = output ? userMd : internalMd;
            Dnnl.check(dnnl_h.dnnl_reorder_primitive_desc_create(slot, from, engine.handle(), to, engine.handle(),
                    d.userScratchpadAttr()), "dnnl_reorder_primitive_desc_create", label);
            pd = slot.get(ADDRESS, 0);
            Dnnl.check(dnnl_h.dnnl_primitive_create(slot, pd), "dnnl_primitive_create", label);
            prim = slot.get(ADDRESS, 0);
            user = memory(engine, userMd, MemorySegment.NULL, slot);
            internal = memory(engine, internalMd, MemorySegment.NULL, slot);
            MemorySegment scratchMd = dnnl_h.dnnl_primitive_desc_query_md(pd, dnnl_h.dnnl_query_scratchpad_md(), 0);
            long scratchBytes = scratchMd.equals(MemorySegment.NULL) ? 0 : dnnl_h.dnnl_memory_desc_get_size(scratchMd);
            if (scratchBytes > 0) {
                scratch = HostMemory.allocate(scratchBytes);
                scratchMem = memory(engine, scratchMd, scratch, slot);
            }
            this.argCount = scratchBytes > 0 ? 3 : 2;
            this.args = dnnl_exec_arg_t.allocateArray(argCount, arena);
            bind(0, dnnl_h.DNNL_ARG_FROM(), output ? internal : user);
            bind(1, dnnl_h.DNNL_ARG_TO(), output ? user : internal);
            if (scratchBytes > 0) {
                bind(2, dnnl_h.DNNL_ARG_SCRATCHPAD(), scratchMem);
            }
        } catch (RuntimeException e) {
            if (scratchMem != null) dnnl_h.dnnl_memory_destroy(scratchMem);
            if (scratch != null) HostMemory.release(scratch);
            if (internal != null) dnnl_h.dnnl_memory_destroy(internal);
            if (user != null) dnnl_h.dnnl_memory_destroy(user);
            if (prim != null) dnnl_h.dnnl_primitive_destroy(prim);
            if (pd != null) dnnl_h.dnnl_primitive_desc_destroy(pd);
            if (mdCopy != null) dnnl_h.dnnl_memory_desc_destroy(mdCopy);
            arena.close();
            throw e;
        }
        this.internalMd = mdCopy;
        this.primitiveDesc = pd;
        this.primitive = prim;
        this.userMemory = user;
        this.internalMemory = internal;
        this.scratchpadMemory = scratchMem;
        this.scratchpad = scratch;
    }

    private MemorySegment memory(DnnlEngine engine, MemorySegment md, MemorySegment data, MemorySegment slot) {
        Dnnl.check(dnnl_h.dnnl_memory_create(slot, md, engine.handle(), data), "dnnl_memory_create", label);
        return slot.get(ADDRESS, 0);
    }

    private void bind(int index, int argKind, MemorySegment memory) {
        MemorySegment arg = dnnl_exec_arg_t.asSlice(args, index);
        dnnl_exec_arg_t.arg(arg, argKind);
        dnnl_exec_arg_t.memory(arg, memory);
    }

    /** Whether the argument is written by the primitive (so the reorder runs after it, into the user's tensor). */
    boolean output() {
        return output;
    }

    /** The size of the buffer the primitive-side layout needs (padding of blocked formats included). */
    long internalBytes() {
        return internalBytes;
    }

    /** The primitive-side layout (valid while a reference is held). */
    MemorySegment internalMd() {
        return internalMd;
    }

    /** The primitive-side layout as a value. */
    MemoryFormat internalFormat() {
        return internalFormat;
    }

    /**
     * Enqueues the reorder between {@code user} (the caller's tensor) and {@code internal} on {@code stream}; no
     * wait. Synchronised because the memory objects are shared; a CPU stream reads them during the call.
     */
    synchronized void enqueue(DnnlStream stream, MemorySegment user, MemorySegment internal) {
        Dnnl.check(dnnl_h.dnnl_memory_set_data_handle(userMemory, user), "dnnl_memory_set_data_handle", label);
        Dnnl.check(dnnl_h.dnnl_memory_set_data_handle(internalMemory, internal), "dnnl_memory_set_data_handle", label);
        Dnnl.check(dnnl_h.dnnl_primitive_execute(primitive, stream.handle(), argCount, args), "dnnl_primitive_execute", label);
        KernelPaths.record(KernelPaths.LAYOUT_REORDER);
    }

    /** Takes one more reference (a held copy that may outlive the owning primitive). */
    void retain() {
        if (references.getAndIncrement() <= 0) {
            throw new IllegalStateException("oneDNN reorder " + label + " is already freed");
        }
    }

    /** Drops one reference; the last one frees the native objects. */
    void release() {
        if (references.decrementAndGet() == 0) {
            destroy();
        }
    }

    /** Drops the owning primitive's reference. */
    @Override
    public void close() {
        release();
    }

    private void destroy() {
        if (scratchpadMemory != null) {
            dnnl_h.dnnl_memory_destroy(scratchpadMemory);
            HostMemory.release(scratchpad);
        }
        dnnl_h.dnnl_memory_destroy(internalMemory);
        dnnl_h.dnnl_memory_destroy(userMemory);
        dnnl_h.dnnl_primitive_destroy(primitive);
        dnnl_h.dnnl_primitive_desc_destroy(primitiveDesc);
        dnnl_h.dnnl_memory_desc_destroy(internalMd);
        arena.close();
    }
}
