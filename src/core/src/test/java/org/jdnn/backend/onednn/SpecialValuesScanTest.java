package org.jdnn.backend.onednn;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The branch-free scans over raw float memory (NaN or -Inf; NaN; NaN or an infinity), which the JIT vectorises: each
 * finds its values at the first and the last float, around the 2^20th and 2^21st (inside the vectorised main loop)
 * and in the short tail after it, and ignores every other value (finite values of both signs, -0, the largest finite
 * floats and the smallest subnormals, and the infinities the scan does not look for).
 */
class SpecialValuesScanTest {
    private static final int MEGA = 1 << 20; // floats
    private static final long COUNT = 2L * MEGA + 77; // an odd count: the vectorised loop leaves a tail
    private static final long[] POSITIONS = {0, MEGA - 1, MEGA, 2L * MEGA, COUNT - 1};
    private static final float[] ORDINARY = {0f, -0f, 1.5f, -2.25e7f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL};
    private static final float NEGATIVE_NAN = Float.intBitsToFloat(0xffc00001);

    @Test
    void anyNaNOrNegativeInfinityFindsEitherAnywhereAndNothingElse() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = ordinary(arena);
            check(s, Float.POSITIVE_INFINITY, false, "+Inf", SpecialValues::anyNaNOrNegativeInfinity);
            check(s, Float.NaN, true, "NaN", SpecialValues::anyNaNOrNegativeInfinity);
            check(s, NEGATIVE_NAN, true, "NaN with the sign bit set", SpecialValues::anyNaNOrNegativeInfinity);
            check(s, Float.NEGATIVE_INFINITY, true, "-Inf", SpecialValues::anyNaNOrNegativeInfinity);
        }
    }

    @Test
    void anyNaNFindsOnlyNaN() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = ordinary(arena);
            check(s, Float.POSITIVE_INFINITY, false, "+Inf", SpecialValues::anyNaN);
            check(s, Float.NEGATIVE_INFINITY, false, "-Inf", SpecialValues::anyNaN);
            check(s, Float.NaN, true, "NaN", SpecialValues::anyNaN);
            check(s, NEGATIVE_NAN, true, "NaN with the sign bit set", SpecialValues::anyNaN);
        }
    }

    @Test
    void anyNonFiniteFindsNaNAndBothInfinities() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = ordinary(arena);
            check(s, Float.POSITIVE_INFINITY, true, "+Inf", SpecialValues::anyNonFinite);
            check(s, Float.NEGATIVE_INFINITY, true, "-Inf", SpecialValues::anyNonFinite);
            check(s, Float.NaN, true, "NaN", SpecialValues::anyNonFinite);
            check(s, NEGATIVE_NAN, true, "NaN with the sign bit set", SpecialValues::anyNonFinite);
        }
    }

    @Test
    void aShortSegmentIsScannedWhole() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(3 * Float.BYTES, Float.BYTES);
            s.setAtIndex(JAVA_FLOAT, 0, -1f);
            s.setAtIndex(JAVA_FLOAT, 1, 2f);
            s.setAtIndex(JAVA_FLOAT, 2, Float.NEGATIVE_INFINITY);
            assertEquals(false, SpecialValues.anyNaNOrNegativeInfinity(s, 2), "the first 2 of [-1, 2, -Inf]");
            assertEquals(true, SpecialValues.anyNaNOrNegativeInfinity(s, 3), "all 3 of [-1, 2, -Inf]");
            assertEquals(false, SpecialValues.anyNaNOrNegativeInfinity(s, 0), "no floats");
        }
    }

    /** {@code COUNT} floats cycling through {@link #ORDINARY}. */
    private static MemorySegment ordinary(Arena arena) {
        MemorySegment s = arena.allocate(COUNT * Float.BYTES, Float.BYTES);
        for (long i = 0; i < COUNT; i++) {
            s.setAtIndex(JAVA_FLOAT, i, ORDINARY[(int) (i % ORDINARY.length)]);
        }
        assertEquals(false, SpecialValues.anyNaNOrNegativeInfinity(s, COUNT), "ordinary values only: NaN or -Inf");
        assertEquals(false, SpecialValues.anyNaN(s, COUNT), "ordinary values only: NaN");
        assertEquals(false, SpecialValues.anyNonFinite(s, COUNT), "ordinary values only: non-finite");
        return s;
    }

    /** One of the scans: whether the first {@code count} floats of {@code s} hold a value it looks for. */
    private interface Scan {
        boolean any(MemorySegment s, long count);
    }

    /** Puts {@code value} at each position in turn and checks the scan's answer, restoring the float after. */
    private static void check(MemorySegment s, float value, boolean expected, String what, Scan scan) {
        for (long at : POSITIONS) {
            float before = s.getAtIndex(JAVA_FLOAT, at);
            s.setAtIndex(JAVA_FLOAT, at, value);
            assertEquals(expected, scan.any(s, COUNT),
                    what + " at " + at + " of " + COUNT + " floats");
            assertEquals(expected && at < COUNT - 1, scan.any(s, COUNT - 1),
                    what + " at " + at + ", scanning the first " + (COUNT - 1) + " floats");
            s.setAtIndex(JAVA_FLOAT, at, before);
        }
    }
}
