package org.jdnn.tensor;

/**
 * One index of {@link Tensor#index}, per dimension from the first, as in Python's {@code x[:, 1:5:2, 0]}:
 * {@code x.index(Idx.all(), Idx.range(1, 5, 2), Idx.at(0))}. Dimensions after the last index are kept whole.
 * {@link #at} drops its dimension (PyTorch's select); the others keep it (a slice). The result is a copy unless
 * every index is {@link #all} (see {@link org.jdnn.autograd.F#slice}).
 */
public sealed interface Idx {

    /** The whole dimension ({@code :}). */
    static Idx all() {
        return All.INSTANCE;
    }

    /** One position ({@code i}, negative counts from the end); the dimension is dropped. */
    static Idx at(long index) {
        return new At(index);
    }

    /** {@code start:end} (Python's rules: negative counts from the end, both clamped to the size). */
    static Idx range(long start, long end) {
        return new Range(start, end, 1);
    }

    /** {@code start:end:step}, step > 0. */
    static Idx range(long start, long end, long step) {
        return new Range(start, end, step);
    }

    /** {@code start:} to the end. */
    static Idx from(long start) {
        return new Range(start, Long.MAX_VALUE, 1);
    }

    /** {@code :end} from the start. */
    static Idx to(long end) {
        return new Range(0, end, 1);
    }

    /** {@code ::step}, every step-th position from the first. */
    static Idx every(long step) {
        return new Range(0, Long.MAX_VALUE, step);
    }

    /** {@code :}. */
    enum All implements Idx {
        INSTANCE;

        @Override
        public String toString() {
            return ":";
        }
    }

    /** A single position; the dimension is dropped. */
    record At(long index) implements Idx {
        @Override
        public String toString() {
            return Long.toString(index);
        }
    }

    /** {@code start:end:step}. */
    record Range(long start, long end, long step) implements Idx {
        public Range {
            if (step <= 0) {
                throw new IllegalArgumentException("index: step " + step + " must be > 0");
            }
        }

        @Override
        public String toString() {
            return start + ":" + (end == Long.MAX_VALUE ? "" : Long.toString(end)) + (step == 1 ? "" : ":" + step);
        }
    }
}
