package org.jdnn.backend;

import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * What max pooling's forward remembers for its backward: where each window's maximum was. The content
 * is backend-specific (the reference stores int32 argmax indices, oneDNN its own workspace), so a workspace
 * only goes back to the backend that made it, for the parameters and input shape it was made for.
 *
 * <p>Make one with {@link Backend#pool2dWorkspace}, pass it to {@link Backend#pool2dForward} and keep it
 * until {@link Backend#pool2dBackward}. It owns native memory: close it, or make it inside a
 * {@link org.jdnn.tensor.Scope}; using it after close throws {@link IllegalStateException}.
 */
public final class Pool2dWorkspace implements AutoCloseable {
    private final String format;
    private final Pool2dParams params;
    private final Shape src;
    private final long bytes;
    private final Tensor storage;
    private volatile boolean written;

    private Pool2dWorkspace(String format, Pool2dParams params, Shape src, long bytes) {
        this.format = format;
        this.params = params;
        this.src = src;
        this.bytes = bytes;
        // A float32 tensor is the library's owned, scope-tracked native buffer; its bytes are opaque here.
        this.storage = Tensor.empty(Math.max(1, Math.ceilDiv(bytes, 4)));
    }

    /** For backends: a workspace of {@code bytes} bytes in {@code format} (the backend's name) for these operands. */
    public static Pool2dWorkspace allocate(String format, Pool2dParams params, Shape src, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("pool2d workspace: negative size " + bytes);
        }
        return new Pool2dWorkspace(format, params, src, bytes);
    }

    /** The backend whose layout the content has. */
    public String format() {
        return format;
    }

    public Pool2dParams params() {
        return params;
    }

    /** The input shape the workspace was made for. */
    public Shape src() {
        return src;
    }

    /** The size in bytes the backend asked for. */
    public long bytes() {
        return bytes;
    }

    /** For backends: the buffer (at least {@link #bytes()} bytes, content opaque). */
    public Tensor storage() {
        return storage;
    }

    /** Whether a forward pass has filled it. */
    public boolean isWritten() {
        return written;
    }

    /** For backends: records that a forward pass filled it. */
    public void markWritten() {
        written = true;
    }

    public boolean isClosed() {
        return storage.isClosed();
    }

    /**
     * For backends: throws unless this workspace is open, in {@code expectedFormat}, and made for
     * {@code expectedParams} and {@code expectedSrc}; {@code backward} also requires a forward to have filled it.
     */
    public void check(String op, String expectedFormat, Pool2dParams expectedParams, Shape expectedSrc, boolean backward) {
        if (isClosed()) {
            throw new IllegalStateException(op + ": workspace is closed");
        }
        if (!format.equals(expectedFormat)) {
            throw new IllegalArgumentException(op + ": workspace was made by the " + format + " backend, not " + expectedFormat);
        }
        if (!params.equals(expectedParams)) {
            throw new IllegalArgumentException(op + ": workspace was made for " + params + ", not " + expectedParams);
        }
        if (!src.equals(expectedSrc)) {
            throw new IllegalArgumentException(op + ": workspace was made for input " + src + ", not " + expectedSrc);
        }
        if (backward && !written) {
            throw new IllegalStateException(op + ": workspace holds no forward result (run pool2dForward with it first)");
        }
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "Pool2dWorkspace(" + format + ", " + params + ", input " + src + ", " + bytes + " bytes"
                + (isClosed() ? ", closed)" : ")");
    }
}
