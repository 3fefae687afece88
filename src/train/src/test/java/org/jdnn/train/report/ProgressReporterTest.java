package org.jdnn.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Plain progress lines (exact text under a fake clock) and the choice between the bar and plain lines. */
class ProgressReporterTest {

    /** A clock the test advances by hand. */
    private static final class FakeClock {
        long nanos;

        void advanceSeconds(double s) {
            nanos += (long) (s * 1e9);
        }
    }

    private static List<String> lines(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void plainLinesAtEachTenthThenTheSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (ProgressReporter p = new PlainProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> clock.nanos)) {
            p.startEpoch(1, 5, 20);
            for (int b = 1; b <= 20; b++) {
                clock.advanceSeconds(0.5); // 100 images per 0.5 s = 200 img/s
                p.batchDone(100, b <= 10 ? 1.0 : 0.5);
            }
            p.endEpoch("epoch 1/5 summary");
        }
        List<String> out = lines(bytes);
        assertEquals(10, out.size(), String.join("\n", out));
        assertEquals("epoch 1/5 [ 10%] 2/20 loss 1.0000 200 img/s ETA 0:09", out.get(0));
        assertEquals("epoch 1/5 [ 50%] 10/20 loss 1.0000 200 img/s ETA 0:05", out.get(4));
        // Running loss is the mean over the epoch so far: (10 * 1.0 + 2 * 0.5) / 12, then (10 + 8 * 0.5) / 18.
        assertEquals("epoch 1/5 [ 60%] 12/20 loss 0.9167 200 img/s ETA 0:04", out.get(5));
        assertEquals("epoch 1/5 [ 90%] 18/20 loss 0.7778 200 img/s ETA 0:01", out.get(8));
        assertEquals("epoch 1/5 summary", out.get(9));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "no carriage returns");
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\u001b"), "no escape codes");
    }

    @Test
    void largeEpochsPrintNineLinesAndSmallOnesEveryBatch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressReporter p = new PlainProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> clock.nanos);
        p.startEpoch(2, 2, 469);
        for (int b = 0; b < 469; b++) {
            clock.advanceSeconds(0.02);
            p.batchDone(128, 0.3);
        }
        p.endEpoch("done");
        List<String> out = lines(bytes);
        assertEquals(10, out.size(), String.join("\n", out));
        for (int i = 0; i < 9; i++) {
            assertTrue(out.get(i).startsWith(String.format("epoch 2/2 [%3d%%]", 10 * (i + 1))), out.get(i));
        }
        assertTrue(out.get(0).contains(" 6400 img/s"), out.get(0));

        bytes.reset();
        p.startEpoch(1, 2, 3);
        for (int b = 0; b < 3; b++) {
            clock.advanceSeconds(1);
            p.batchDone(10, 2.0);
        }
        p.endEpoch("small");
        p.close();
        assertEquals(List.of("epoch 1/2 [ 33%] 1/3 loss 2.0000 10 img/s ETA 0:02",
                "epoch 1/2 [ 66%] 2/3 loss 2.0000 10 img/s ETA 0:01", "small"), lines(bytes));
    }

    @Test
    void callsOutOfOrderAreRejected() {
        ProgressReporter p = ProgressReporter.plain(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        var e = assertThrows(IllegalStateException.class, () -> p.batchDone(1, 1));
        assertTrue(e.getMessage().contains("startEpoch"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.startEpoch(3, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> p.startEpoch(1, 2, -1));
        p.close();
        assertThrows(IllegalStateException.class, () -> p.startEpoch(1, 2, 10));
    }

    @Test
    void etaClockFormat() {
        assertEquals("0:00", EpochMeter.clock(0.2));
        assertEquals("0:12", EpochMeter.clock(12));
        assertEquals("2:05", EpochMeter.clock(125));
        assertEquals("1:01:01", EpochMeter.clock(3661));
        assertEquals("?", EpochMeter.clock(Double.NaN));
    }

    @Test
    void barOnlyOnATerminalOutsideCi() {
        Map<String, String> none = Map.of();
        assertEquals(ProgressMode.BAR, ProgressMode.choose(true, none, true));
        assertEquals(ProgressMode.BAR, ProgressMode.choose(true, Map.of("CI", "false"), true));
        assertEquals(ProgressMode.PLAIN, ProgressMode.choose(true, Map.of("CI", "true"), true));
        assertEquals(ProgressMode.PLAIN, ProgressMode.choose(true, Map.of("CI", "1"), true));
        assertEquals(ProgressMode.PLAIN, ProgressMode.choose(true, none, false), "no terminal");
        assertEquals(ProgressMode.PLAIN, ProgressMode.choose(false, none, true), "plain flag");
        assertEquals(ProgressMode.PLAIN, ProgressMode.choose(true, Map.of("TERM", "dumb"), true));
    }

    @Test
    void factoryPicksPlainLinesWhenThisProcessHasNoTerminal() {
        assertInstanceOf(PlainProgressReporter.class, ProgressReporter.create(false));
        Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        if (!terminal || System.getenv("CI") != null) {
            // Under Maven/CI the test JVM's output is a pipe: the bar must not be chosen.
            assertEquals(ProgressMode.PLAIN, ProgressMode.detect(true));
            try (ProgressReporter p = ProgressReporter.create(true)) {
                assertInstanceOf(PlainProgressReporter.class, p);
            }
        }
    }
}
