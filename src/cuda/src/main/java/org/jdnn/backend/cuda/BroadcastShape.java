package org.jdnn.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C struct {@code jd_broadcast}: a contiguous output of {@code dims} and, for each of up to three operands, the
 * stride (in elements) to step along each output dim, 0 where the operand is broadcast. Built with dims of size 1
 * dropped and neighbouring dims merged wherever every operand steps through them contiguously, so the kernels divide
 * as little as possible: a same-shape binary op becomes rank 1.
 */
public record BroadcastShape(long[] dims, long[][] strides) {
    /** The largest rank the kernels take (JD_MAX_RANK). */
    public static final int MAX_RANK = 8;
    /** The most operands the struct describes. */
    public static final int MAX_OPERANDS = 3;

    /** jd_broadcast's layout: int32 rank, int32 reserved, int64 dims[8], int64 strides[3][8]; 264 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("rank"), JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(MAX_RANK, JAVA_LONG).withName("dims"),
            MemoryLayout.sequenceLayout(MAX_OPERANDS, MemoryLayout.sequenceLayout(MAX_RANK, JAVA_LONG))
                    .withName("strides"));

    public BroadcastShape {
        dims = dims.clone();
        strides = Arrays.stream(strides).map(long[]::clone).toArray(long[][]::new);
        if (dims.length > MAX_RANK) {
            throw new IllegalArgumentException("broadcast: rank " + dims.length + " exceeds the kernels' " + MAX_RANK
                    + " after merging dims, dims " + Arrays.toString(dims));
        }
        if (strides.length < 1 || strides.length > MAX_OPERANDS) {
            throw new IllegalArgumentException("broadcast: 1 to " + MAX_OPERANDS + " operands, got " + strides.length);
        }
        for (long[] s : strides) {
            if (s.length != dims.length) {
                throw new IllegalArgumentException("broadcast: strides " + Arrays.toString(s) + " do not match dims "
                        + Arrays.toString(dims));
            }
        }
    }

    /**
     * The output {@code outDims} read from operands laid out with {@code operandStrides} (one stride per output dim,
     * 0 to broadcast), simplified: size-1 dims dropped, contiguous neighbours merged.
     */
    public static BroadcastShape of(long[] outDims, long[]... operandStrides) {
        List<Long> dims = new ArrayList<>();
        List<long[]> columns = new ArrayList<>();
        for (int d = 0; d < outDims.length; d++) {
            if (outDims[d] < 0) {
                throw new IllegalArgumentException("broadcast: negative dim " + outDims[d] + " in "
                        + Arrays.toString(outDims));
            }
            if (outDims[d] == 1) {
                continue;
            }
            long[] column = new long[operandStrides.length];
            for (int k = 0; k < operandStrides.length; k++) {
                if (operandStrides[k].length != outDims.length) {
                    throw new IllegalArgumentException("broadcast: operand " + k + " strides "
                            + Arrays.toString(operandStrides[k]) + " do not match dims " + Arrays.toString(outDims));
                }
                column[k] = operandStrides[k][d];
            }
            int last = dims.size() - 1;
            if (last >= 0 && mergeable(columns.get(last), column, outDims[d])) {
                dims.set(last, dims.get(last) * outDims[d]);
                columns.set(last, column);
            } else {
                dims.add(outDims[d]);
                columns.add(column);
            }
        }
        long[][] strides = new long[operandStrides.length][dims.size()];
        for (int d = 0; d < dims.size(); d++) {
            for (int k = 0; k < operandStrides.length; k++) {
                strides[k][d] = columns.get(d)[k];
            }
        }
        return new BroadcastShape(dims.stream().mapToLong(Long::longValue).toArray(), strides);
    }

    /** Whether an outer dim with strides {@code outer} and the next one (size, {@code inner}) are one dim. */
    private static boolean mergeable(long[] outer, long[] inner, long innerSize) {
        for (int k = 0; k < outer.length; k++) {
            if (outer[k] != inner[k] * innerSize) {
                return false;
            }
        }
        return true;
    }

    /**
     * NumPy broadcasting of contiguous row-major operands of {@code operandDims} to {@code outDims}: dims aligned at
     * the right, an operand's dim of size 1 (or a missing leading dim) broadcast with stride 0.
     */
    public static BroadcastShape contiguous(long[] outDims, long[]... operandDims) {
        long[][] strides = new long[operandDims.length][];
        for (int k = 0; k < operandDims.length; k++) {
            strides[k] = broadcastStrides(outDims, operandDims[k]);
        }
        return of(outDims, strides);
    }

    /** The strides along {@code outDims} of a contiguous operand of {@code dims} broadcast to them. */
    public static long[] broadcastStrides(long[] outDims, long[] dims) {
        if (dims.length > outDims.length) {
            throw new IllegalArgumentException("broadcast: operand dims " + Arrays.toString(dims)
                    + " have more dims than the output " + Arrays.toString(outDims));
        }
        long[] strides = new long[outDims.length];
        long stride = 1;
        for (int d = dims.length - 1, o = outDims.length - 1; d >= 0; d--, o--) {
            if (dims[d] != outDims[o] && dims[d] != 1) {
                throw new IllegalArgumentException("broadcast: operand dims " + Arrays.toString(dims)
                        + " do not broadcast to " + Arrays.toString(outDims));
            }
            strides[o] = dims[d] == 1 ? 0 : stride;
            stride *= dims[d];
        }
        return strides;
    }

    /** The rank after simplification. */
    public int rank() {
        return dims.length;
    }

    /** The number of output elements. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The struct's bytes, unused entries 0. */
    public MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        s.set(JAVA_INT, 0, dims.length);
        long dimsOffset = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("dims"));
        long stridesOffset = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("strides"));
        for (int d = 0; d < dims.length; d++) {
            s.set(JAVA_LONG, dimsOffset + 8L * d, dims[d]);
            for (int k = 0; k < strides.length; k++) {
                s.set(JAVA_LONG, stridesOffset + 8L * (k * MAX_RANK + d), strides[k][d]);
            }
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BroadcastShape b && Arrays.equals(dims, b.dims) && Arrays.deepEquals(strides, b.strides);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.deepHashCode(strides);
    }

    @Override
    public String toString() {
        return "BroadcastShape" + Arrays.toString(dims) + " strides " + Arrays.deepToString(strides);
    }
}
