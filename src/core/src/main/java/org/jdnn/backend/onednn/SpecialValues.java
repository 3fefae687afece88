package org.jdnn.backend.onednn;

import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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

    /**
     * Whether {@code t} holds -Inf, read where its elements are (see {@link #whereHeld}), so that the check leaves a
     * held layout for the primitive that runs next.
     */
    static boolean anyNegativeInfinity(OneDnnBackend backend, Tensor t) {
        return whereHeld(backend, t, SpecialValues::anyNegativeInfinity);
    }

    /** A scan of {@code count} floats. */
    private interface Scan {
        boolean any(MemorySegment s, long count);
    }

    private static final Scan NAN = SpecialValues::anyNaN;
    private static final Scan NON_FINITE = SpecialValues::anyNonFinite;

    /**
     * {@code scan} over {@code t}'s elements where they are: plain, or in its {@link BlockedCopy}, whose zero padding
     * is none of the values these scans look for.
     */
    private static boolean whereHeld(OneDnnBackend backend, Tensor t, Scan scan) {
        BlockedCopy copy = BlockedCopy.acquire(backend, t, null);
        if (copy == null) {
            return scan.any(TensorAccess.segment(t), t.numel());
        }
        try {
            if (scan == NAN && copy.holdsNoNaNOrNegativeInfinity() || scan == NON_FINITE && copy.holdsOnlyFinite()) {
                return false;
            }
            return scan.any(copy.buffer(), copy.bytes() / Float.BYTES);
        } finally {
            copy.done();
        }
    }

    private static boolean anyNegativeInfinity(MemorySegment s, long count) {
        for (long i = 0; i < count; i++) {
            if (s.getAtIndex(JAVA_FLOAT, i) == Float.NEGATIVE_INFINITY) {
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

    /** Whether {@code t} holds a NaN or an infinity (a float is either exactly when its exponent bits are all set). */
    static boolean anyNonFinite(Tensor t) {
        return anyNonFinite(TensorAccess.segment(t), t.numel());
    }

    // ---- ReLU's backward: scans that read a held layout where it is ----

    /**
     * Whether {@code t} holds a NaN, read where its elements are (see {@link #whereHeld}); not read at all when held
     * in a copy already known to hold none ({@link BlockedCopy#holdsNoNaNOrNegativeInfinity()}: ReLU's backward
     * reads the input its forward scanned).
     */
    static boolean anyNaN(OneDnnBackend backend, Tensor t) {
        return whereHeld(backend, t, NAN);
    }

    /**
     * Whether {@code t} holds a NaN or an infinity, read where its elements are (see {@link #whereHeld}); not read at
     * all when held in a copy known to hold only finite values ({@link BlockedCopy#holdsOnlyFinite()}: ReLU's
     * backward reads the gradient max pooling's backward wrote).
     */
    static boolean anyNonFinite(OneDnnBackend backend, Tensor t) {
        return whereHeld(backend, t, NON_FINITE);
    }

    /**
     * Whether any of {@code operands} (nulls skipped) holds a NaN or an infinity, each read where it is held: the
     * condition of the fused ops' fallback, whose ReLU post-op (max(x, 0)) would turn NaN into 0.
     */
    static boolean anyNonFinite(OneDnnBackend backend, Tensor[] operands) {
        for (Tensor t : operands) {
            if (t != null && anyNonFinite(backend, t)) {
                return true;
            }
        }
        return false;
    }

    /** Branch-free, so that the JIT vectorises it: NaN's magnitude bits exceed +Inf's, so adding 0x007fffff sets the sign. */
    static boolean anyNaN(MemorySegment s, long count) {
        int flags = 0;
        for (long i = 0; i < count; i++) {
            flags |= (s.getAtIndex(JAVA_INT, i) & 0x7fffffff) + 0x007fffff;
        }
        return flags < 0;
    }

    /** Branch-free: the magnitude bits of NaN and the infinities are at least +Inf's. */
    static boolean anyNonFinite(MemorySegment s, long count) {
        int flags = 0;
        for (long i = 0; i < count; i++) {
            flags |= ~((s.getAtIndex(JAVA_INT, i) & 0x7fffffff) - 0x7f800000);
        }
        return flags < 0;
    }

    // ---- layers: max pooling's scan ----

    /**
     * Whether {@code t} holds a NaN or -Inf, the values oneDNN's max pooling treats otherwise than PyTorch. On the
     * training hot path (every max-pooling forward), so it reads the elements where they are, plain or in a
     * {@link BlockedCopy} of {@code backend} (copying one back to plain would cost a reorder, and the next primitive
     * its blocked input), and it is a branch-free OR over the bits, which the JIT vectorises: a float is NaN or -Inf
     * exactly when {@code (bits & 0x7fffffff) + (bits >>> 31) > 0x7f800000} (unsigned), i.e. when adding 0x007fffff
     * sets the sign bit. Blocked layouts pad channels with zeros, which are neither. A blocked copy whose writer
     * guarantees neither value (ReLU's, {@link ReluSpecialValues}) is not read at all.
     */
    static boolean anyNaNOrNegativeInfinity(OneDnnBackend backend, Tensor t) {
        BlockedCopy copy = BlockedCopy.acquire(backend, t, null);
        if (copy == null) {
            return anyNaNOrNegativeInfinity(TensorAccess.segment(t), t.numel());
        }
        try {
            return !copy.holdsNoNaNOrNegativeInfinity() && anyNaNOrNegativeInfinity(copy.buffer(), copy.bytes() / Float.BYTES);
        } finally {
            copy.done();
        }
    }

    static boolean anyNaNOrNegativeInfinity(MemorySegment s, long count) {
        int flags = 0;
        for (long i = 0; i < count; i++) {
            int bits = s.getAtIndex(JAVA_INT, i);
            flags |= (bits & 0x7fffffff) + (bits >>> 31) + 0x007fffff;
        }
        return flags < 0;
    }
}
