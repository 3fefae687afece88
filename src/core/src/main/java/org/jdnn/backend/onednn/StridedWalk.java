package org.jdnn.backend.onednn;

import org.jdnn.tensor.Shape;

/**
 * Walks the elements of a row-major shape in order while keeping, for each of several tensors, the element offset that
 * the current coordinates reach through that tensor's strides (0 along a dimension it broadcasts or one the caller
 * indexes itself). One add per tensor per step (a carry adds more): no division per element, unlike the reference's
 * coordinate arithmetic.
 */
final class StridedWalk {
    private final long[] dims;
    private final long[][] strides;
    private final long[] coordinate;
    /** The current element offset of each tensor. */
    final long[] offsets;

    /** {@code strides[t][d]}: tensor t's stride along dimension d of {@code dims}. */
    StridedWalk(long[] dims, long[]... strides) {
        this.dims = dims;
        this.strides = strides;
        this.coordinate = new long[dims.length];
        this.offsets = new long[strides.length];
    }

    /** Moves to the next element in row-major order. */
    void next() {
        for (int d = dims.length - 1; d >= 0; d--) {
            coordinate[d]++;
            for (int t = 0; t < strides.length; t++) {
                offsets[t] += strides[t][d];
            }
            if (coordinate[d] < dims[d]) {
                return;
            }
            for (int t = 0; t < strides.length; t++) {
                offsets[t] -= strides[t][d] * dims[d];
            }
            coordinate[d] = 0;
        }
    }

    /** The dims walked for {@code shape}: a rank-0 shape as one dimension of size 1. */
    static long[] dims(Shape shape) {
        return shape.rank() == 0 ? new long[] {1} : shape.dims();
    }

    /** Row-major strides of {@code dims}. */
    static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            s[d] = stride;
            stride *= dims[d];
        }
        return s;
    }

    /** {@code strides} with dimension {@code dim} set to 0 (the caller adds the index along it). */
    static long[] without(long[] strides, int dim) {
        long[] s = strides.clone();
        s[dim] = 0;
        return s;
    }

    /**
     * The strides of an operand of shape {@code operand} read at the coordinates of the broadcast result {@code out}
     * (aligned at the last dimension; 0 where the operand has size 1 or no dimension).
     */
    static long[] broadcastStrides(Shape operand, long[] out) {
        long[] s = new long[out.length];
        long stride = 1;
        for (int d = out.length - 1, od = operand.rank() - 1; d >= 0; d--, od--) {
            long size = od >= 0 ? operand.dim(od) : 1;
            s[d] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return s;
    }
}
