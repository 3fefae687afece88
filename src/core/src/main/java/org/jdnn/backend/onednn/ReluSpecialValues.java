package org.jdnn.backend.onednn;

import org.jdnn.natives.HostMemory;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Gives oneDNN's ReLU (negative slope 0) PyTorch's result at NaN and -Inf. The primitive computes {@code max(x, 0)},
 * which drops NaN (PyTorch keeps it, so a NaN before a ReLU reaches the loss), and whose value at -Inf depends on the
 * implementation (0 from the jit kernels' {@code vmaxps}, NaN from one computing {@code x * 0}). One branch-free pass
 * over the input ({@link SpecialValues#anyNaNOrNegativeInfinity(MemorySegment, long)}) tells whether it holds either
 * value; only then is the input kept aside (the primitive may run in place) and a second pass writes NaN (the input's,
 * payload kept) and 0 where they were.
 *
 * <p>That pass's answer is also the mark max pooling reads ({@link BlockedCopy#holdsNoNaNOrNegativeInfinity()}):
 * {@code max(x, 0)} of a finite or +Inf input is neither NaN nor -Inf, so an input free of both gives an output free of
 * both, whatever the primitive's implementation, and the pooling after it skips its own scan.
 */
final class ReluSpecialValues {
    private static final int NEGATIVE_INFINITY = 0xff800000;

    private ReluSpecialValues() {
    }

    /**
     * Runs {@code relu}, the primitive from {@code src} to {@code dst} ({@code count} floats each, in one layout; the
     * same memory when in place), and puts right what it wrote for NaN and -Inf; returns whether {@code src} held
     * neither (and so {@code dst} holds neither).
     */
    static boolean run(MemorySegment src, MemorySegment dst, long count, Runnable relu) {
        if (!SpecialValues.anyNaNOrNegativeInfinity(src, count)) {
            relu.run();
            return true;
        }
        MemorySegment original = HostMemory.allocate(count * Float.BYTES);
        try {
            original.copyFrom(src.asSlice(0, count * Float.BYTES));
            relu.run();
            for (long i = 0; i < count; i++) {
                int bits = original.getAtIndex(JAVA_INT, i);
                if ((bits & 0x7fffffff) > 0x7f800000) {
                    dst.setAtIndex(JAVA_INT, i, bits); // NaN, as PyTorch
                } else if (bits == NEGATIVE_INFINITY) {
                    dst.setAtIndex(JAVA_INT, i, 0);
                }
            }
        } finally {
            HostMemory.release(original);
        }
        return false;
    }
}
