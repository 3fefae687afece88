package org.jdnn.tensor;

/** Element types. Only float32 has kernels today; the others reserve their names and sizes. */
public enum DType {
    FLOAT32("float32", 4),
    BFLOAT16("bfloat16", 2),
    FLOAT16("float16", 2),
    INT32("int32", 4),
    INT64("int64", 8);

    private final String displayName;
    private final int byteSize;

    DType(String displayName, int byteSize) {
        this.displayName = displayName;
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
