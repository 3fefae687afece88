package org.jdnn.backend.onednn;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * ReLU's backward (negative slope 0) as PyTorch's threshold_backward: the incoming gradient where the input is
 * greater than 0 or NaN, else 0 — a select, not a product. oneDNN's primitive multiplies by the derivative, which
 * gives NaN where the input is <= 0 and the gradient NaN or infinite (PyTorch: 0), and 0 at a NaN input (PyTorch:
 * the gradient). One pass over the bits, branch-free so that it vectorises; measured no slower than the primitive
 * on a LeNet activation (see the note). Element-wise, so it runs on any layout both operands share, in place
 * too, and keeps a blocked layout's zero padding zero.
 */
final class ReluBackward {
    private ReluBackward() {
    }

    /** {@code diffSrc[i] = src[i] > 0 || isNaN(src[i]) ? diffDst[i] : 0}, for {@code count} floats. */
    static void run(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long count) {
        for (long i = 0; i < count; i++) {
            int x = src.getAtIndex(JAVA_INT, i);
            // As ints, x > 0 holds for the positive floats and +NaN (-0 and +0 excluded by the AND with ~x); a
            // negative NaN's magnitude bits exceed +Inf's. Each term is -1 (keep) or 0 (drop) after the shift.
            int positive = (-x & ~x) >> 31;
            int negativeNaN = (0x7f800000 - (x & 0x7fffffff)) >> 31;
            diffSrc.setAtIndex(JAVA_INT, i, diffDst.getAtIndex(JAVA_INT, i) & (positive | negativeNaN));
        }
    }
}
