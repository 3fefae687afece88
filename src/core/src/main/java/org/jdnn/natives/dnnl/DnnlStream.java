package org.jdnn.natives.dnnl;

import org.jdnn.bindings.dnnl.dnnl_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/** An owned oneDNN stream handle. Streams are not thread-safe: the backend keeps one per thread. */
public final class DnnlStream implements AutoCloseable {
    private MemorySegment handle;

    private DnnlStream(MemorySegment handle) {
        this.handle = handle;
    }

    public static DnnlStream create(DnnlEngine engine) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Dnnl.check(dnnl_h.dnnl_stream_create(out, engine.handle(), dnnl_h.dnnl_stream_default_flags()),
                    "dnnl_stream_create");
            return new DnnlStream(out.get(ADDRESS, 0));
        }
    }

    public MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("oneDNN stream is closed");
        }
        return handle;
    }

    /** Blocks until every primitive submitted to this stream has finished. */
    public void waitFor() {
        Dnnl.check(dnnl_h.dnnl_stream_wait(handle()), "dnnl_stream_wait");
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            Dnnl.check(dnnl_h.dnnl_stream_destroy(handle), "dnnl_stream_destroy");
            handle = null;
        }
    }
}
