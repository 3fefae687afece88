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
     * An uninitialised tensor for an op's output, whose host memory is allocated when first accessed: an output a
     * primitive holds in its own layout ({@link #holdInNativeLayout}) and nobody reads plain takes none.
     */
    public static Tensor emptyOutput(Shape shape, DType dtype, Device device) {
        return Tensor.empty(shape, dtype, device, true);
    }

    /**
     * Whether the two tensors' bytes overlap, for the checks of in-place and aliased arguments: they do exactly when
     * one is the other or a view of the same storage (a view always starts at its storage's first byte). Allocates
     * and copies nothing.
     */
    public static boolean sharesMemory(Tensor a, Tensor b) {
        return a.sharesStorageWith(b);
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
