package org.jdnn.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The door from a tensor to its native memory, for backends only: user code and the layers above the
 * backends never see a {@link MemorySegment}. Every access checks that the tensor is still open.
 */
public final class TensorAccess {
    private TensorAccess() {
    }

    /**
     * The tensor's elements as a segment of exactly numel * elementSize bytes, in plain row-major order (copied
     * back from a {@link NativeLayout} first if they were held in one).
     */
    public static MemorySegment segment(Tensor tensor) {
        return tensor.segment();
    }

    /**
     * The address of the tensor's plain bytes, for overlap checks: unlike {@link #segment} it copies nothing back
     * from a {@link NativeLayout}, so the bytes there may be stale.
     */
    public static long address(Tensor tensor) {
        return tensor.plainAddress();
    }

    /**
     * The native layout the tensor's elements are held in, or null when they are in the plain bytes. Shared with
     * the tensor's views, whose shapes may differ: a backend checks the layout describes the shape it expects.
     */
    public static NativeLayout nativeLayout(Tensor tensor) {
        return tensor.nativeLayout();
    }

    /**
     * Declares that {@code tensor}'s elements now live in {@code layout}, which a backend has just written in full;
     * the plain bytes are stale until the next {@link #segment} call copies them back. The tensor takes ownership.
     */
    public static void holdInNativeLayout(Tensor tensor, NativeLayout layout) {
        tensor.holdInNativeLayout(layout);
    }

    /**
     * Pins a kernel's operands for the whole call: each storage stays allocated until {@link Pins#close()}, even if
     * another thread closes the tensor meanwhile (its free is deferred). Null entries are skipped. Throws
     * IllegalStateException, pinning nothing, if an operand is already closed.
     */
    public static Pins pin(Tensor[] inputs, Tensor[] outputs) {
        return Pins.of(inputs, outputs);
    }
}
