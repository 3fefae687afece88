package org.jdnn.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History JSON/CSV: exact round trips (bit-for-bit doubles, NaN kept), atomic writes, clear errors on bad files. */
class HistoryTest {
    private static final long SEED = 20240611L;

    @TempDir
    Path dir;

    static History sample() {
        SplittableRandom random = new SplittableRandom(SEED);
        History h = new History();
        for (int e = 1; e <= 6; e++) {
            boolean validated = e != 3; // one epoch without validation: NaN must survive the round trip
            h.add(new EpochRecord(e, random.nextDouble() * 2, random.nextDouble(),
                    validated ? random.nextDouble() * 2 : Double.NaN, validated ? random.nextDouble() : Double.NaN,
                    1e-3 * Math.pow(0.5, e), 10 + random.nextDouble(), 5000 * random.nextDouble()));
        }
        return h;
    }

    @Test
    void jsonRoundTripIsExact() throws IOException {
        History h = sample();
        Path file = dir.resolve("metrics/history.json");
        h.writeJson(file);
        History back = History.readJson(file);
        assertEquals(h, back, "seed " + SEED + "\n" + Files.readString(file));
        assertTrue(Double.isNaN(back.records().get(2).validationLoss()));
        assertFalse(back.records().get(2).hasValidation());
        assertEquals(h, History.fromJson(h.toJson(), "text"));
        assertEquals(new History(), History.fromJson(new History().toJson(), "empty"));
    }

    @Test
    void csvHasHeaderAndOneRowPerEpoch() throws IOException {
        History h = new History()
                .add(new EpochRecord(1, 0.5, 0.8, 0.25, 0.875, 0.001, 12.5, 4800))
                .add(new EpochRecord(2, 0.375, 0.9, Double.NaN, Double.NaN, 5.0E-4, 11.0, 5454.5));
        Path file = dir.resolve("history.csv");
        h.writeCsv(file);
        assertEquals("""
                epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,images_per_second
                1,0.5,0.8,0.25,0.875,0.001,12.5,4800.0
                2,0.375,0.9,,,5.0E-4,11.0,5454.5
                """, Files.readString(file));
        // Every CSV row parses back to the record (empty = NaN).
        List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            EpochRecord r = h.records().get(i - 1);
            assertEquals(History.COLUMNS.size(), f.length);
            assertEquals(r.trainLoss(), Double.parseDouble(f[1]));
            assertEquals(r.validationLoss(), f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]));
        }
    }

    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
        Path json = dir.resolve("history.json");
        Path csv = dir.resolve("history.csv");
        Files.writeString(json, "old content");
        History h = sample();
        for (int i = 0; i < 3; i++) { // overwriting an existing file too
            h.writeJson(json);
            h.writeCsv(csv);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("history.csv", "history.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(h, History.readJson(json));
    }

    @Test
    void failedWriteRemovesItsTemporaryFile() throws IOException {
        Path target = dir.resolve("taken");
        Files.createDirectory(target);
        Files.writeString(target.resolve("child"), "x"); // a non-empty directory cannot be replaced by a file
        assertThrows(IOException.class, () -> sample().writeJson(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("taken"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void upToKeepsTheEpochsBeforeACheckpoint() {
        History h = sample();
        History head = h.upTo(4);
        assertEquals(4, head.size());
        assertEquals(4, head.last().epoch());
        assertEquals(h.records().subList(0, 4), head.records());
    }

    @Test
    void epochsMustIncrease() {
        History h = new History().add(new EpochRecord(2, 1, 0.5, 1, 0.5, 0.1, 1, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> h.add(new EpochRecord(2, 1, 0.5, 1, 0.5, 0.1, 1, 1)));
        assertTrue(e.getMessage().contains("epoch 2 after epoch 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EpochRecord(0, 1, 0.5, 1, 0.5, 0.1, 1, 1));
    }

    @Test
    void malformedFilesFailWithTheFileAndTheProblem() throws IOException {
        String good = sample().toJson();
        assertBad(good.substring(0, good.length() / 2), "not valid JSON");
        assertBad("[]", "expected a JSON object");
        assertBad(good.replace("jdnn-history", "something-else"), "\"format\"");
        assertBad(good.replace("\"version\": 1", "\"version\": 2"), "unsupported \"version\" 2");
        assertBad(good.replaceFirst("\"train_loss\": [^,]+, ", ""), "epochs[0] has no \"train_loss\"");
        assertBad(good.replaceFirst("\"seconds\": [^,]+,", "\"seconds\": \"fast\","), "epochs[0].seconds is fast");
        assertBad(good.replaceFirst("\"epoch\": 1,", "\"epoch\": 1.5,"), "epochs[0].epoch is 1.5");
        assertBad(good.replaceFirst("\"epoch\": 2,", "\"epoch\": 1,"), "epochs[1]: History.add: epoch 1 after epoch 1");
        assertBad(good.replaceFirst("\"epoch\": 1,", "\"epoch\": 1, \"epoch\": 1,"), "duplicate key");
    }

    private void assertBad(String json, String expected) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        IOException e = assertThrows(IOException.class, () -> History.readJson(file), json);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void summaryLine() {
        assertEquals("epoch 3/10 train loss 0.3123 acc 88.51% | val loss 0.3350 acc 87.90% | lr 0.001 | 12.4 s 4838 img/s",
                new EpochRecord(3, 0.31234, 0.8851, 0.335, 0.879, 1e-3, 12.41, 4838.2).summary(10));
        assertEquals("epoch 1/1 train loss 0.5000 acc 50.00% | lr 0.1 | 1.0 s 10 img/s",
                new EpochRecord(1, 0.5, 0.5, Double.NaN, Double.NaN, 0.1, 1, 10).summary(1));
    }
}
