package org.jdnn.backend.reference;

import org.jdnn.tensor.DType;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One element of a tensor of any supported dtype, read or written as a double (floats), a long (int64 and bool, exact)
 * or a truth value, and row-major coordinates: the plain element access the reference's dtype-generic kernels use.
 */
final class ReferenceElements {
    private ReferenceElements() {
    }

    static double getDouble(MemorySegment s, DType type, long i) {
        return switch (type) {
            case FLOAT32 -> s.getAtIndex(JAVA_FLOAT, i);
            case FLOAT64 -> s.getAtIndex(JAVA_DOUBLE, i);
            case INT64 -> s.getAtIndex(JAVA_LONG, i);
            case BOOL -> s.getAtIndex(JAVA_BYTE, i);
            default -> throw unsupported(type);
        };
    }

    static long getLong(MemorySegment s, DType type, long i) {
        return switch (type) {
            case INT64 -> s.getAtIndex(JAVA_LONG, i);
            case BOOL -> s.getAtIndex(JAVA_BYTE, i);
            default -> throw unsupported(type);
        };
    }

    /** Nonzero is true; NaN is nonzero. */
    static boolean truth(MemorySegment s, DType type, long i) {
        return switch (type) {
            case FLOAT32, FLOAT64 -> getDouble(s, type, i) != 0;
            default -> getLong(s, type, i) != 0;
        };
    }

    static void setDouble(MemorySegment s, DType type, long i, double value) {
        switch (type) {
            case FLOAT32 -> s.setAtIndex(JAVA_FLOAT, i, (float) value);
            case FLOAT64 -> s.setAtIndex(JAVA_DOUBLE, i, value);
            case INT64 -> s.setAtIndex(JAVA_LONG, i, (long) value);
            case BOOL -> s.setAtIndex(JAVA_BYTE, i, (byte) (value != 0 ? 1 : 0));
            default -> throw unsupported(type);
        }
    }

    static void setLong(MemorySegment s, DType type, long i, long value) {
        switch (type) {
            case INT64 -> s.setAtIndex(JAVA_LONG, i, value);
            case BOOL -> s.setAtIndex(JAVA_BYTE, i, (byte) (value != 0 ? 1 : 0));
            default -> setDouble(s, type, i, value);
        }
    }

    static void setBool(MemorySegment s, long i, boolean value) {
        s.setAtIndex(JAVA_BYTE, i, (byte) (value ? 1 : 0));
    }

    /** Copies element {@code from} of {@code src} to element {@code to} of {@code dst}, bit for bit. */
    static void copy(MemorySegment src, long from, MemorySegment dst, long to, DType type) {
        long size = type.byteSize();
        MemorySegment.copy(src, from * size, dst, to * size, size);
    }

    /** The dims a kernel walks: a rank-0 shape as one dimension of size 1 (PyTorch's dim 0 of a scalar). */
    static long[] walked(org.jdnn.tensor.Shape shape) {
        return shape.rank() == 0 ? new long[] {1} : shape.dims();
    }

    /** The row-major coordinates of element {@code flat} of {@code dims}. */
    static long[] coordinates(long flat, long[] dims) {
        long[] c = new long[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            c[d] = flat % dims[d];
            flat /= dims[d];
        }
        return c;
    }

    /** The row-major flat index of {@code coordinates} in {@code dims}. */
    static long flat(long[] coordinates, long[] dims) {
        long flat = 0;
        for (int d = 0; d < dims.length; d++) {
            flat = flat * dims[d] + coordinates[d];
        }
        return flat;
    }

    private static IllegalArgumentException unsupported(DType type) {
        return new IllegalArgumentException("reference: no kernel reads dtype " + type);
    }
}
