package org.jdnn.backend.onednn;

import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Scans for the values some oneDNN primitives treat otherwise than PyTorch (its max and min skip NaN; its softmax
 * keeps a row finite around a NaN or +Inf): the conditions of the fallbacks those kernels declare. One pass over the
 * operand, so only kernels off the training hot path use them.
 */
final class SpecialValues {
    private SpecialValues() {
    }

    static boolean anyNaN(Tensor t) {
        MemorySegment s = TensorAccess.segment(t);
        for (long i = 0, n = t.numel(); i < n; i++) {
            float v = s.getAtIndex(JAVA_FLOAT, i);
            if (v != v) {
                return true;
            }
        }
        return false;
    }

    static boolean anyNaNOrPositiveInfinity(Tensor t) {
        MemorySegment s = TensorAccess.segment(t);
        for (long i = 0, n = t.numel(); i < n; i++) {
            float v = s.getAtIndex(JAVA_FLOAT, i);
            if (v != v || v == Float.POSITIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }
}
