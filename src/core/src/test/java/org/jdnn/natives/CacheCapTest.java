package org.jdnn.natives;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host cache's cap: fixed when set, else the peak live bytes of the current and the previous window. */
class CacheCapTest {
    private static final long MIB = 1 << 20;
    private static final long BUDGET = 8192 * MIB;
    private static final long WINDOW = CacheCap.WINDOW_NANOS;

    @Test
    void aFixedCapIgnoresTheWorkingSet() {
        CacheCap cap = CacheCap.fixed(10 * MIB);
        assertFalse(cap.observe(3000 * MIB, 5 * WINDOW));
        assertEquals(10 * MIB, cap.limit());
        assertFalse(cap.isAdaptive());
    }

    @Test
    void anAdaptiveCapGrowsToThePeakLiveBytesAtOnce() {
        CacheCap cap = CacheCap.adaptive(BUDGET, 0);
        assertEquals(CacheCap.FLOOR, cap.limit(), "a new cap starts at the floor");
        cap.observe(1500 * MIB, 1);
        cap.observe(700 * MIB, 2);
        assertEquals(1500 * MIB, cap.limit(), "the peak so far, within the first window");
    }

    @Test
    void theCapFallsWithinTwoWindowsAfterTheWorkingSetShrinks() {
        CacheCap cap = CacheCap.adaptive(BUDGET, 0);
        cap.observe(1500 * MIB, 1);
        assertTrue(cap.observe(200 * MIB, WINDOW), "the first window ends");
        assertEquals(1500 * MIB, cap.limit(), "the previous window's peak still counts");
        cap.observe(300 * MIB, WINDOW + 1);
        assertTrue(cap.observe(100 * MIB, 2 * WINDOW), "the second window ends");
        assertEquals(300 * MIB, cap.limit(), "the 1500 MiB peak has aged out; the last window's 300 MiB is the cap");
    }

    @Test
    void theCapStaysBetweenTheFloorAndHalfTheBudget() {
        CacheCap cap = CacheCap.adaptive(BUDGET, 0);
        cap.observe(MIB, 1);
        assertEquals(CacheCap.FLOOR, cap.limit(), "a tiny working set keeps the floor");
        cap.observe(7000 * MIB, 2);
        assertEquals(BUDGET / 2, cap.limit(), "at most half the budget");
    }
}
