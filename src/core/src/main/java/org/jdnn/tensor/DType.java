package org.jdnn.tensor;

/**
 * Element types, with PyTorch's names ({@code torch.float32}, {@code torch.int64}, ...).
 *
 * <p>Storage conventions (native, little-endian as the host, contiguous row-major), which every kernel follows:
 * <ul>
 *   <li>{@link #FLOAT32}: IEEE binary32, read with {@code ValueLayout.JAVA_FLOAT}; the default dtype and the one every
 *       native kernel takes.</li>
 *   <li>{@link #FLOAT64}: IEEE binary64, read with {@code JAVA_DOUBLE}; for gradient checks in double on the
 *       reference backend (other backends fall back to it).</li>
 *   <li>{@link #INT64}: two's complement, read with {@code JAVA_LONG}: labels, indices, arg-max results.</li>
 *   <li>{@link #BOOL}: one byte per element, read with {@code JAVA_BYTE}, holding exactly 0 (false) or 1 (true):
 *       comparison results and masks. A kernel writes only 0 or 1.</li>
 *   <li>{@link #INT32}, {@link #BFLOAT16}, {@link #FLOAT16}: reserved (names, sizes, element access), no kernels yet.
 *       bfloat16 is the upper half of a binary32, float16 IEEE binary16 ({@code Float.float16ToFloat}).</li>
 * </ul>
 */
public enum DType {
    FLOAT32("float32", 4, true),
    FLOAT64("float64", 8, true),
    INT64("int64", 8, false),
    BOOL("bool", 1, false),
    INT32("int32", 4, false),
    BFLOAT16("bfloat16", 2, true),
    FLOAT16("float16", 2, true);

    private final String displayName;
    private final int byteSize;
    private final boolean floatingPoint;

    DType(String displayName, int byteSize, boolean floatingPoint) {
        this.displayName = displayName;
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether the elements are floating-point numbers (float32, float64, bfloat16, float16), as {@code torch.is_floating_point}. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** PyTorch's name without the {@code torch.} prefix: "float32", "int64", "bool". */
    @Override
    public String toString() {
        return displayName;
    }
}
