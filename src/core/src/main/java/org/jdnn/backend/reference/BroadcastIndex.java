package org.jdnn.backend.reference;

import org.jdnn.ops.BroadcastShapes;
import org.jdnn.tensor.Shape;

/**
 * Maps a row-major index of a broadcast result to the index of an operand: the operand's strides, with stride
 * 0 on the dimensions it broadcasts along (size 1 or missing).
 */
final class BroadcastIndex {
    private final long[] outDims;
    private final long[] strides;

    BroadcastIndex(Shape operand, Shape out) {
        this.outDims = BroadcastShapes.padded(out, out.rank());
        long[] dims = BroadcastShapes.padded(operand, outDims.length);
        this.strides = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = dims[d] == 1 ? 0 : stride;
            stride *= dims[d];
        }
    }

    /** The operand's flat index for the output's flat index {@code flat}. */
    long of(long flat) {
        long index = 0;
        for (int d = outDims.length - 1; d >= 0; d--) {
            long coordinate = flat % outDims[d];
            flat /= outDims[d];
            index += coordinate * strides[d];
        }
        return index;
    }
}
