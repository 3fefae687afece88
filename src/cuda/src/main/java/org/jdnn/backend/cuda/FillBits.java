package org.jdnn.backend.cuda;

import org.jdnn.tensor.DType;

/** A fill value as the bits of one element of a dtype, converted as jdnn's Elements.set converts a double. */
final class FillBits {
    private FillBits() {
    }

    static long of(DType dtype, double value) {
        return switch (dtype) {
            case FLOAT32 -> Float.floatToRawIntBits((float) value) & 0xffff_ffffL;
            case FLOAT64 -> Double.doubleToRawLongBits(value);
            case INT64 -> (long) value;
            case BOOL -> value != 0 ? 1 : 0;
            default -> throw new IllegalArgumentException("cuda fill: no kernel for dtype " + dtype);
        };
    }
}
