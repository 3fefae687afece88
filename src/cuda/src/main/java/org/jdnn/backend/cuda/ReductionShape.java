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
 * The C struct {@code jd_reduction}: a contiguous input split into the dims each output element keeps and the dims
 * it reduces, each with its input strides, both in the input's order (so the reduced elements are met in row-major
 * order). Size-1 dims are dropped and neighbouring dims of the same kind merged.
 */
public record ReductionShape(long[] keptDims, long[] keptStrides, long[] reducedDims, long[] reducedStrides) {
    /** jd_reduction's layout: int32 keptRank, int32 reducedRank, four int64[8], int64 outputs, int64 size; 280 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("keptRank"), JAVA_INT.withName("reducedRank"),
            MemoryLayout.sequenceLayout(BroadcastShape.MAX_RANK, JAVA_LONG).withName("keptDims"),
            MemoryLayout.sequenceLayout(BroadcastShape.MAX_RANK, JAVA_LONG).withName("keptStrides"),
            MemoryLayout.sequenceLayout(BroadcastShape.MAX_RANK, JAVA_LONG).withName("reducedDims"),
            MemoryLayout.sequenceLayout(BroadcastShape.MAX_RANK, JAVA_LONG).withName("reducedStrides"),
            JAVA_LONG.withName("outputs"), JAVA_LONG.withName("size"));

    public ReductionShape {
        keptDims = keptDims.clone();
        keptStrides = keptStrides.clone();
        reducedDims = reducedDims.clone();
        reducedStrides = reducedStrides.clone();
        if (keptDims.length > BroadcastShape.MAX_RANK || reducedDims.length > BroadcastShape.MAX_RANK) {
            throw new IllegalArgumentException("reduction: more than " + BroadcastShape.MAX_RANK
                    + " kept or reduced dims after merging: kept " + Arrays.toString(keptDims) + ", reduced "
                    + Arrays.toString(reducedDims));
        }
    }

    /** A contiguous row-major input of {@code dims} reduced over {@code axes} (each in [0, rank), any order). */
    public static ReductionShape of(long[] dims, int... axes) {
        boolean[] reduced = new boolean[dims.length];
        for (int axis : axes) {
            if (axis < 0 || axis >= dims.length) {
                throw new IllegalArgumentException("reduction: axis " + axis + " out of range for dims "
                        + Arrays.toString(dims));
            }
            reduced[axis] = true;
        }
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= dims[d];
        }
        List<long[]> kept = new ArrayList<>();
        List<long[]> reducedList = new ArrayList<>();
        int previousKind = -1;  // 0 kept, 1 reduced: only neighbours of the same kind merge
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == 1) {
                continue;
            }
            List<long[]> target = reduced[d] ? reducedList : kept;
            int kind = reduced[d] ? 1 : 0;
            if (kind == previousKind) {
                long[] last = target.getLast();
                last[0] *= dims[d];
                last[1] = strides[d];
            } else {
                target.add(new long[] {dims[d], strides[d]});
            }
            previousKind = kind;
        }
        return new ReductionShape(kept.stream().mapToLong(e -> e[0]).toArray(),
                kept.stream().mapToLong(e -> e[1]).toArray(),
                reducedList.stream().mapToLong(e -> e[0]).toArray(),
                reducedList.stream().mapToLong(e -> e[1]).toArray());
    }

    /** The number of output elements (1 for a full reduction). */
    public long outputs() {
        return Arrays.stream(keptDims).reduce(1, Math::multiplyExact);
    }

    /** The number of input elements each output reduces (1 when no dim of size > 1 is reduced). */
    public long size() {
        return Arrays.stream(reducedDims).reduce(1, Math::multiplyExact);
    }

    /** The struct's bytes, unused entries 0. */
    public MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        s.set(JAVA_INT, 0, keptDims.length);
        s.set(JAVA_INT, 4, reducedDims.length);
        put(s, "keptDims", keptDims);
        put(s, "keptStrides", keptStrides);
        put(s, "reducedDims", reducedDims);
        put(s, "reducedStrides", reducedStrides);
        s.set(JAVA_LONG, LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("outputs")), outputs());
        s.set(JAVA_LONG, LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("size")), size());
        return s;
    }

    private static void put(MemorySegment s, String field, long[] values) {
        long offset = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
        for (int i = 0; i < values.length; i++) {
            s.set(JAVA_LONG, offset + 8L * i, values[i]);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReductionShape r && Arrays.equals(keptDims, r.keptDims)
                && Arrays.equals(keptStrides, r.keptStrides) && Arrays.equals(reducedDims, r.reducedDims)
                && Arrays.equals(reducedStrides, r.reducedStrides);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keptDims) ^ 31 * Arrays.hashCode(reducedDims);
    }

    @Override
    public String toString() {
        return "ReductionShape[kept " + Arrays.toString(keptDims) + " strides " + Arrays.toString(keptStrides)
                + ", reduced " + Arrays.toString(reducedDims) + " strides " + Arrays.toString(reducedStrides) + "]";
    }
}
