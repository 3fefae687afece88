package org.jdnn.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Copies a run of elements between two tensors on the same device, at element offsets, outside autograd: what
 * packing several gradients into one buffer for a single collective (and unpacking them after) needs, on the host
 * or on a device, without a host round trip.
 */
public final class ElementCopy {
    private ElementCopy() {
    }

    /** Copies {@code count} elements from {@code from} at {@code fromOffset} into {@code to} at {@code toOffset}. */
    public static void copy(Tensor from, long fromOffset, Tensor to, long toOffset, long count) {
        if (!from.device().equals(to.device())) {
            throw new IllegalArgumentException("ElementCopy.copy: tensors on " + from.device() + " and " + to.device()
                    + "; both must be on one device");
        }
        if (from.dtype() != to.dtype()) {
            throw new IllegalArgumentException("ElementCopy.copy: dtypes " + from.dtype() + " and " + to.dtype()
                    + " differ");
        }
        if (count < 0 || fromOffset < 0 || toOffset < 0 || fromOffset + count > from.numel()
                || toOffset + count > to.numel()) {
            throw new IllegalArgumentException("ElementCopy.copy: " + count + " elements from offset " + fromOffset
                    + " of " + from.shape() + " to offset " + toOffset + " of " + to.shape() + " run past an end");
        }
        if (count == 0) {
            return;
        }
        long size = from.dtype().byteSize();
        try (Pins pins = Pins.of(new Tensor[]{from}, new Tensor[]{to})) {
            MemorySegment source = from.segment().asSlice(fromOffset * size, count * size);
            MemorySegment target = to.segment().asSlice(toOffset * size, count * size);
            if (from.device().isHost()) {
                MemorySegment.copy(source, 0, target, 0, count * size);
            } else {
                DeviceMemories.of(from.device()).copy(source, target);
            }
        }
    }
}
