package org.jdnn.natives.dnnl;

import org.jdnn.bindings.dnnl.dnnl_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/** An owned oneDNN engine handle (one per device). */
public final class DnnlEngine implements AutoCloseable {
    private MemorySegment handle;

    private DnnlEngine(MemorySegment handle) {
        this.handle = handle;
    }

    /** Creates the CPU engine (index 0). */
    public static DnnlEngine cpu() {
        Dnnl.ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Dnnl.check(dnnl_h.dnnl_engine_create(out, dnnl_h.dnnl_cpu(), 0), "dnnl_engine_create");
            return new DnnlEngine(out.get(ADDRESS, 0));
        }
    }

    /** The raw handle, for the oneDNN backend's calls. */
    public MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("oneDNN engine is closed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            Dnnl.check(dnnl_h.dnnl_engine_destroy(handle), "dnnl_engine_destroy");
            handle = null;
        }
    }
}
