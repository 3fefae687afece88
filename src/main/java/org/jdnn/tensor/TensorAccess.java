package org.jdnn.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The door from a tensor to its native memory, for backends only: user code and the layers above the
 * backends never see a {@link MemorySegment}. Every access checks that the tensor is still open.
 */
public final class TensorAccess {
    private TensorAccess() {
    }

    /** The tensor's elements as a segment of exactly numel * elementSize bytes. */
    public static MemorySegment segment(Tensor tensor) {
        return tensor.segment();
    }
}
