package org.jdnn.backend.onednn;

import org.jdnn.natives.HostMemory;
import org.jdnn.tensor.NativeLayout;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tensor's elements as a primitive wrote them, in the layout it chose (e.g. nChw8c), held by the tensor in place
 * of its plain bytes: the next primitive that wants this very layout reads the buffer directly, so a chain such as
 * conv - ReLU - pool - conv runs without reordering between its ops (DESIGN.md: reorder only at the user-visible
 * boundary). Reading the tensor any other way copies it back to plain first ({@link #copyToPlain}), with the
 * producing primitive's output reorder.
 *
 * <p>The buffer is freed when the last user lets go: the tensor's storage holds one use, and a primitive reading
 * the buffer takes another for the time of its execute, so another thread copying the tensor back to plain meanwhile
 * cannot free the buffer under it.
 */
final class BlockedCopy implements NativeLayout {
    private final OneDnnBackend backend;
    private final LayoutReorder toPlain;
    private final MemorySegment buffer;
    /** Set by the writer ({@link #holdLike}) or by a later scan of the buffer ({@link #markNoNaNOrNegativeInfinity}). */
    private volatile boolean noNaNOrNegativeInfinity;
    private final AtomicInteger uses = new AtomicInteger(1);

    /** Takes ownership of {@code buffer} and one reference of {@code toPlain} (which reorders its layout to plain). */
    private BlockedCopy(OneDnnBackend backend, LayoutReorder toPlain, MemorySegment buffer,
                        boolean noNaNOrNegativeInfinity) {
        this.backend = backend;
        this.toPlain = toPlain;
        this.buffer = buffer;
        this.noNaNOrNegativeInfinity = noNaNOrNegativeInfinity;
    }

    /**
     * Makes {@code tensor} hold {@code buffer}, which a primitive has just filled in {@code toPlain}'s primitive-side
     * layout; the tensor owns the buffer from now on (if this throws, the caller still does).
     */
    static void hold(OneDnnBackend backend, Tensor tensor, LayoutReorder toPlain, MemorySegment buffer) {
        hold(backend, tensor, toPlain, buffer, false);
    }

    private static void hold(OneDnnBackend backend, Tensor tensor, LayoutReorder toPlain, MemorySegment buffer,
                             boolean noNaNOrNegativeInfinity) {
        toPlain.retain(); // before the tensor has it: a reader may copy it back and let go at once
        try {
            TensorAccess.holdInNativeLayout(tensor, new BlockedCopy(backend, toPlain, buffer, noNaNOrNegativeInfinity));
        } catch (RuntimeException e) {
            toPlain.release();
            throw e;
        }
    }

    /**
     * The copy {@code tensor} holds, in use until {@link #done()}, if it is one of {@code backend}'s, in {@code format}
     * (null: any) and has the tensor's shape (a view of another shape shares it but cannot read it blocked); else null.
     */
    static BlockedCopy acquire(OneDnnBackend backend, Tensor tensor, MemoryFormat format) {
        if (!(TensorAccess.nativeLayout(tensor) instanceof BlockedCopy copy) || copy.backend != backend
                || !copy.format().hasDims(tensor.shape().dims()) || (format != null && !copy.format().equals(format))) {
            return null;
        }
        return copy.tryUse() ? copy : null;
    }

    private boolean tryUse() {
        for (int n = uses.get(); n > 0; n = uses.get()) {
            if (uses.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Ends a use begun by {@link #acquire}. */
    void done() {
        if (uses.decrementAndGet() == 0) {
            HostMemory.release(buffer);
            toPlain.release();
        }
    }

    MemoryFormat format() {
        return toPlain.internalFormat();
    }

    /** The layout's memory descriptor, to create a primitive on it (valid while this is in use). */
    MemorySegment md() {
        return toPlain.internalMd();
    }

    MemorySegment buffer() {
        return buffer;
    }

    /** Size of the buffer in bytes (blocked layouts pad, so this can exceed the tensor's). */
    long bytes() {
        return buffer.byteSize();
    }

    /**
     * A new held copy of the same layout for another tensor of the same shape (e.g. an eltwise op's output);
     * {@code noNaNOrNegativeInfinity}: its writer guarantees {@code filled} holds neither (see
     * {@link #holdsNoNaNOrNegativeInfinity()}).
     */
    void holdLike(Tensor tensor, MemorySegment filled, boolean noNaNOrNegativeInfinity) {
        hold(backend, tensor, toPlain, filled, noNaNOrNegativeInfinity);
    }

    /**
     * Whether the buffer is known to hold no NaN and no -Inf: its writer guarantees it (ReLU's output, see
     * {@link ReluSpecialValues}) or a scan found none, so max pooling and ReLU's backward need no scan for them. A held buffer is never written again (writing the tensor copies it back
     * to plain and lets this go), so the guarantee lasts as long as the copy.
     */
    boolean holdsNoNaNOrNegativeInfinity() {
        return noNaNOrNegativeInfinity;
    }

    /**
     * Records that a scan found neither NaN nor -Inf in the buffer (ReLU's forward scans its input), so that later
     * scans of this copy (ReLU's backward reads the same input, max pooling) are skipped: the buffer never changes
     * while held.
     */
    void markNoNaNOrNegativeInfinity() {
        noNaNOrNegativeInfinity = true;
    }

    @Override
    public void copyToPlain(MemorySegment plain) {
        backend.reorderNow(toPlain, plain, buffer);
    }

    @Override
    public void release() {
        done();
    }
}
