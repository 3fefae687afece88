package org.jdnn.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** The alpha and beta factors cuBLAS and cuDNN read from host memory (float for float32 data), made once. */
final class Scalars {
    static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_FLOAT, 1f);
    static final MemorySegment ZERO = Arena.global().allocateFrom(JAVA_FLOAT, 0f);

    private Scalars() {
    }

    /** A float factor in {@code arena}. */
    static MemorySegment of(Arena arena, float value) {
        return arena.allocateFrom(JAVA_FLOAT, value);
    }
}
