package org.jdnn.tensor;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Reads and writes one element of any {@link DType} in plain host-readable bytes, converting to and from double or
 * long as PyTorch's {@code .to(dtype)} converts: to an integer type truncates toward zero (NaN gives 0, out of range
 * saturates, where PyTorch leaves it undefined), to bool is {@code != 0} (NaN is true), from bool is 0 or 1. For the
 * tensor layer's reads and writes and for backends' element loops; not a hot path for float32 kernels, which read
 * their segments directly.
 */
public final class Elements {
    private Elements() {
    }

    /** Element {@code index} of {@code segment} (of dtype {@code dtype}) as a double. */
    public static double get(MemorySegment segment, DType dtype, long index) {
        return switch (dtype) {
            case FLOAT32 -> segment.getAtIndex(JAVA_FLOAT, index);
            case FLOAT64 -> segment.getAtIndex(JAVA_DOUBLE, index);
            case INT64 -> segment.getAtIndex(JAVA_LONG, index);
            case BOOL -> segment.get(JAVA_BYTE, index) != 0 ? 1 : 0;
            case INT32 -> segment.getAtIndex(JAVA_INT, index);
            case BFLOAT16 -> Float.intBitsToFloat((segment.getAtIndex(JAVA_SHORT, index) & 0xffff) << 16);
            case FLOAT16 -> Float.float16ToFloat(segment.getAtIndex(JAVA_SHORT, index));
        };
    }

    /** Element {@code index} as a long: exact for the integer dtypes, truncated toward zero for floating ones. */
    public static long getLong(MemorySegment segment, DType dtype, long index) {
        return switch (dtype) {
            case INT64 -> segment.getAtIndex(JAVA_LONG, index);
            case INT32 -> segment.getAtIndex(JAVA_INT, index);
            case BOOL -> segment.get(JAVA_BYTE, index) != 0 ? 1 : 0;
            default -> (long) get(segment, dtype, index);
        };
    }

    /** Sets element {@code index} to {@code value}, converted to {@code dtype}. */
    public static void set(MemorySegment segment, DType dtype, long index, double value) {
        switch (dtype) {
            case FLOAT32 -> segment.setAtIndex(JAVA_FLOAT, index, (float) value);
            case FLOAT64 -> segment.setAtIndex(JAVA_DOUBLE, index, value);
            case INT64 -> segment.setAtIndex(JAVA_LONG, index, (long) value);
            case BOOL -> segment.set(JAVA_BYTE, index, value != 0 ? (byte) 1 : (byte) 0);
            case INT32 -> segment.setAtIndex(JAVA_INT, index, (int) value);
            case BFLOAT16 -> segment.setAtIndex(JAVA_SHORT, index, toBfloat16((float) value));
            case FLOAT16 -> segment.setAtIndex(JAVA_SHORT, index, Float.floatToFloat16((float) value));
        }
    }

    /** Sets element {@code index} to {@code value}: exact for int64, converted for the other dtypes. */
    public static void setLong(MemorySegment segment, DType dtype, long index, long value) {
        switch (dtype) {
            case INT64 -> segment.setAtIndex(JAVA_LONG, index, value);
            case INT32 -> segment.setAtIndex(JAVA_INT, index, (int) value);
            case BOOL -> segment.set(JAVA_BYTE, index, value != 0 ? (byte) 1 : (byte) 0);
            default -> set(segment, dtype, index, (double) value);
        }
    }

    /** {@code value} rounded to the nearest bfloat16 (ties to even), as a float: what a bf16 kernel reads. */
    public static float roundToBfloat16(float value) {
        return Float.intBitsToFloat((toBfloat16(value) & 0xffff) << 16);
    }

    /** Round to nearest even, NaN kept a (quiet) NaN. */
    private static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
