package org.jdnn.backend.reference;

import org.jdnn.ops.Precision;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Elements;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * A floating tensor's elements read and written as doubles, whether float32 or float64: what lets each reference
 * kernel, written once in double, run in both dtypes. A write rounds to the tensor's dtype; {@link #round} rounds an
 * intermediate the float32 kernel has always rounded (so float32 results stay bit for bit what they were), and leaves
 * it in double for float64. Two final classes, so a kernel's loop sees at most two receivers and the JIT inlines them.
 */
abstract sealed class Values permits Values.Float32, Values.Float64 {
    final MemorySegment segment;

    private Values(MemorySegment segment) {
        this.segment = segment;
    }

    /** The elements of {@code tensor} (float32 or float64), or null for null. */
    static Values of(Tensor tensor) {
        if (tensor == null) {
            return null;
        }
        MemorySegment s = TensorAccess.segment(tensor);
        return switch (tensor.dtype()) {
            case FLOAT32 -> new Float32(s);
            case FLOAT64 -> new Float64(s);
            default -> throw new IllegalArgumentException("reference: a floating kernel got a " + tensor.dtype()
                    + " tensor of shape " + tensor.shape());
        };
    }

    /**
     * {@code values} as the given precision's kernels read them: itself for FP32; for BF16 a float32 copy with every
     * element rounded to bfloat16 (round to nearest even), what a bf16 kernel multiplies (null stays null).
     */
    static Values readAs(Precision precision, Values values) {
        if (precision == Precision.FP32 || values == null) {
            return values;
        }
        int n = Math.toIntExact(values.segment.byteSize() / values.dtype().byteSize());
        float[] rounded = new float[n];
        for (int i = 0; i < n; i++) {
            rounded[i] = Elements.roundToBfloat16((float) values.get(i));
        }
        return new Float32(MemorySegment.ofArray(rounded));
    }

    /** Element {@code i}. */
    abstract double get(long i);

    /** Sets element {@code i} to {@code value} rounded to the dtype. */
    abstract void set(long i, double value);

    /** {@code value} rounded to the dtype (float32: to the nearest float; float64: itself). */
    abstract double round(double value);

    abstract DType dtype();

    /** Every element, in a new array (exact: a float32 element is a double exactly). */
    final double[] toArray() {
        int n = Math.toIntExact(segment.byteSize() / dtype().byteSize());
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = get(i);
        }
        return values;
    }

    /** Sets every element to +0. */
    final void zero() {
        segment.fill((byte) 0);
    }

    static final class Float32 extends Values {
        Float32(MemorySegment segment) {
            super(segment);
        }

        @Override
        double get(long i) {
            return segment.getAtIndex(JAVA_FLOAT, i);
        }

        @Override
        void set(long i, double value) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) value);
        }

        @Override
        double round(double value) {
            return (float) value;
        }

        @Override
        DType dtype() {
            return DType.FLOAT32;
        }
    }

    static final class Float64 extends Values {
        Float64(MemorySegment segment) {
            super(segment);
        }

        @Override
        double get(long i) {
            return segment.getAtIndex(JAVA_DOUBLE, i);
        }

        @Override
        void set(long i, double value) {
            segment.setAtIndex(JAVA_DOUBLE, i, value);
        }

        @Override
        double round(double value) {
            return value;
        }

        @Override
        DType dtype() {
            return DType.FLOAT64;
        }
    }
}
