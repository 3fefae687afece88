package org.jdnn.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How copies are cut into pieces that fit the pinned buffer. */
class PinnedStagingTest {
    @Test
    void aCopyIsCutIntoBufferSizedPiecesCoveringEveryByteOnce() {
        assertEquals(List.of("[0, 4]", "[4, 4]", "[8, 2]"), pieces(10, 4));
        assertEquals(List.of("[0, 8]"), pieces(8, 8));
        assertEquals(List.of("[0, 3]"), pieces(3, 8));
        assertEquals(List.of(), pieces(0, 8));
    }

    @Test
    void theBufferFitsTheCopyBetween64KiBAndTheCapacity() {
        assertEquals(64 << 10, PinnedStaging.bufferSize(100));
        assertEquals(1 << 20, PinnedStaging.bufferSize(1 << 20));
        assertEquals(PinnedStaging.CAPACITY, PinnedStaging.bufferSize(Long.MAX_VALUE / 2));
    }

    @Test
    void aBadSplitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PinnedStaging.chunks(10, 0));
        assertThrows(IllegalArgumentException.class, () -> PinnedStaging.chunks(-1, 4));
    }

    private static List<String> pieces(long total, long capacity) {
        return Arrays.stream(PinnedStaging.chunks(total, capacity)).map(Arrays::toString).toList();
    }
}
