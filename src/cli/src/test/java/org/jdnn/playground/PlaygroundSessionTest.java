package org.jdnn.playground;

import org.jdnn.backend.Backends;
import org.jdnn.nn.Module;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaygroundSessionTest {
    @Test
    void theNetworkHasTheConfiguredLayersActivationsAndDropout() {
        PlaygroundConfig config = PlaygroundConfig.DEFAULT.with(Map.of("hidden", List.of(BigDecimal.valueOf(4),
                BigDecimal.valueOf(3)), "activation", "relu", "dropout", new BigDecimal("0.2")));
        try (Module net = PlaygroundSession.network(config)) {
            // Linear(2, 4) ReLU Dropout Linear(4, 3) ReLU Dropout Linear(3, 2)
            assertEquals(7, net.children().size(), net.toString());
            assertEquals(2 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2, net.numParameters(), net.toString());
        }
        try (Module linear = PlaygroundSession.network(config.with(Map.of("hidden", List.of())))) {
            assertEquals(1, linear.children().size(), "no hidden layers is one Linear(2, 2): " + linear);
        }
    }

    @Test
    void theHistoryKeepsAtMostTheLimitEvenlySpreadWithTheFirstAndLastEntries() {
        assertArrayEquals(new int[] {0, 1, 2}, PlaygroundSession.historyIndices(3, 5));
        assertArrayEquals(new int[] {0, 3, 6, 9}, PlaygroundSession.historyIndices(10, 4));
        int[] picked = PlaygroundSession.historyIndices(100_001, 500);
        assertEquals(500, picked.length);
        assertEquals(0, picked[0]);
        assertEquals(100_000, picked[499]);
        for (int i = 1; i < picked.length; i++) {
            int gap = picked[i] - picked[i - 1];
            assertTrue(gap == 200 || gap == 201, "gap " + gap + " at " + i + ": " + Arrays.toString(picked));
        }
    }

    @Test
    void aDivergingRunStopsAndSaysWhy() {
        PlaygroundConfig config = PlaygroundConfig.DEFAULT.with(Map.of("optimizer", "sgd",
                "learningRate", BigDecimal.TEN, "activation", "linear", "hidden", List.of(BigDecimal.valueOf(32),
                        BigDecimal.valueOf(32), BigDecimal.valueOf(32)), "batchSize", BigDecimal.ONE));
        try (PlaygroundSession session = new PlaygroundSession(config, Backends.get(Backends.REFERENCE))) {
            PlaygroundState state = session.state();
            for (int i = 0; i < 20 && state.message().isEmpty(); i++) {
                state = session.step();
            }
            assertTrue(state.message().startsWith("training diverged at epoch "), "after " + state.epoch()
                    + " epochs, loss " + state.trainLoss() + ": '" + state.message() + "'");
        }
    }

    @Test
    void aConfigOutOfRangeNamesTheSettingAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaygroundConfig.DEFAULT.with(Map.of("hidden", List.of(BigDecimal.valueOf(40)))));
        assertEquals("hidden: every layer needs 1 to 32 units, got [40]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PlaygroundConfig.DEFAULT.with(Map.of("optimizer", BigDecimal.ONE)));
        assertEquals("optimizer must be a string, got 1", e.getMessage());
    }
}
