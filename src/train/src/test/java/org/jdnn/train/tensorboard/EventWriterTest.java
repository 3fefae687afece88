package org.jdnn.train.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.tensorboard.EventFileReader.Histo;
import org.jdnn.train.tensorboard.EventFileReader.ReadEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventWriterTest {
    private static final Instant START = Instant.parse("2026-01-02T03:04:05.250Z");
    private static final InstantSource CLOCK = InstantSource.fixed(START);

    @TempDir
    Path dir;

    @Test
    void theFileIsNamedAfterTheTimeAndHostAndStartsWithTheFileVersion() throws IOException {
        try (EventWriter writer = EventWriter.create(dir.resolve("run"), CLOCK, "box")) {
            assertEquals(dir.resolve("run").resolve("events.out.tfevents." + START.getEpochSecond() + ".box"),
                    writer.file());
        }
        List<ReadEvent> events = EventFileReader.read(dir.resolve("run/events.out.tfevents.1767323045.box"));
        assertEquals(1, events.size());
        assertEquals("brain.Event:2", events.get(0).fileVersion());
        assertEquals(1767323045.25, events.get(0).wallTime());
    }

    @Test
    void scalarsComeBackWithTheirTagsStepsAndValues() throws IOException {
        Path file;
        try (EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            file = writer.file();
            writer.scalar("loss/train", 1, 2.5f);
            writer.scalar("loss/val", 1, 2.75f);
            writer.scalar("loss/train", 2, 1.125f);
            writer.scalar("accuracy/train", 3_000_000_000L, Float.NaN);
        }
        List<ReadEvent> events = EventFileReader.read(file);
        assertEquals(5, events.size());
        assertScalar(events.get(1), "loss/train", 1, 2.5f);
        assertScalar(events.get(2), "loss/val", 1, 2.75f);
        assertScalar(events.get(3), "loss/train", 2, 1.125f);
        assertScalar(events.get(4), "accuracy/train", 3_000_000_000L, Float.NaN);
        assertNull(events.get(1).fileVersion());
    }

    @Test
    void aHistogramComesBackWithItsStatisticsAndBuckets() throws IOException {
        float[] values = new float[1000];
        Random random = new Random(15);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        double sumSquares = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSquares += (double) v * v;
        }
        Path file;
        try (EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            file = writer.file();
            writer.histogram("weights/fc1", 7, values);
        }
        ReadEvent event = EventFileReader.read(file).get(1);
        assertEquals("weights/fc1", event.tag());
        assertEquals(7, event.step());
        Histo h = event.histogram();
        assertEquals(min, h.min());
        assertEquals(max, h.max());
        assertEquals(1000, h.num());
        assertEquals(sum, h.sum(), 1e-9);
        assertEquals(sumSquares, h.sumSquares(), 1e-9);
        assertEquals(30, h.bucketLimits().size());
        assertEquals(30, h.buckets().size());
        assertEquals(max, h.bucketLimits().get(29));
        double width = (max - min) / 30;
        double counted = 0;
        for (int b = 0; b < 30; b++) {
            double lower = b == 0 ? min : h.bucketLimits().get(b - 1);
            double upper = h.bucketLimits().get(b);
            assertEquals(min + (b + 1) * width, upper, 1e-12, "limit of bucket " + b);
            long expected = 0;
            for (float v : values) {
                if (v >= lower && (v < upper || b == 29)) {
                    expected++;
                }
            }
            assertEquals(expected, h.buckets().get(b), "count of bucket " + b + " [" + lower + ", " + upper + ")");
            counted += h.buckets().get(b);
        }
        assertEquals(1000, counted);
    }

    @Test
    void equalValuesMakeOneBucket() {
        Histogram h = Histogram.of("w", new float[] {0.5f, 0.5f, 0.5f}, 30);
        assertArrayEquals(new double[] {0.5}, h.bucketLimits());
        assertArrayEquals(new double[] {3}, h.bucketCounts());
        assertEquals(0.75, h.sumSquares());
    }

    @Test
    void framingMatchesTheFormatByteForByte() {
        byte[] record = RecordFraming.frame(new byte[] {1, 2, 3});
        assertEquals(RecordFraming.OVERHEAD + 3, record.length);
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(record, 8));
        assertEquals(EventFileReader.masked(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}), littleEndianInt(record, 8));
        assertEquals(EventFileReader.masked(new byte[] {1, 2, 3}), littleEndianInt(record, 15));
        // The CRC-32C check value of "123456789" is 0xe3069283; masked as TensorFlow masks it.
        int crc = 0xe3069283;
        int expected = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
        assertEquals(expected, RecordFraming.maskedCrc32c("123456789".getBytes(), 0, 9));
    }

    @Test
    void aCorruptedByteIsDetected() throws IOException {
        Path file;
        try (EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            file = writer.file();
            writer.scalar("loss/train", 1, 2.5f);
        }
        byte[] bytes = Files.readAllBytes(file);
        int firstRecord = (int) (RecordFraming.OVERHEAD + littleEndianInt(bytes, 0));
        for (int offset : new int[] {firstRecord + 2, firstRecord + 9, firstRecord + 14, bytes.length - 1}) {
            byte[] corrupt = bytes.clone();
            corrupt[offset] ^= 0x10;
            Path copy = dir.resolve("corrupt-" + offset);
            Files.write(copy, corrupt);
            IOException e = assertThrows(IOException.class, () -> EventFileReader.read(copy), "byte " + offset);
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    @Test
    void twoWritersInTheSameSecondGetTwoFiles() {
        try (EventWriter a = EventWriter.create(dir, CLOCK, "box");
             EventWriter b = EventWriter.create(dir, CLOCK, "box")) {
            assertEquals(a.file().getFileName() + ".1", b.file().getFileName().toString());
        }
    }

    @Test
    void badInputIsRejectedWithTheOffendingValue() {
        try (EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            var blank = assertThrows(IllegalArgumentException.class, () -> writer.scalar(" ", 1, 1f));
            assertTrue(blank.getMessage().contains("tag"), blank.getMessage());
            var negative = assertThrows(IllegalArgumentException.class, () -> writer.scalar("loss", -1, 1f));
            assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
            var nan = assertThrows(IllegalArgumentException.class,
                    () -> writer.histogram("w", 1, new float[] {1f, Float.NaN}));
            assertTrue(nan.getMessage().contains("index 1"), nan.getMessage());
            var empty = assertThrows(IllegalArgumentException.class, () -> writer.histogram("w", 1, new float[0]));
            assertTrue(empty.getMessage().contains("no values"), empty.getMessage());
        }
        EventWriter closed = EventWriter.create(dir.resolve("closed"), CLOCK, "box");
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.scalar("loss", 1, 1f));
    }

    @Test
    void theLoggerWritesEachEpochsMetricsWithTheEpochAsStep() throws IOException {
        Path file;
        try (EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            file = writer.file();
            TensorBoardLogger logger = new TensorBoardLogger(writer);
            logger.accept(new EpochRecord(1, 0.75, 0.5, 0.875, 0.625, 1e-3, 2.0, 1500));
            logger.accept(new EpochRecord(2, 0.5, 0.75, Double.NaN, Double.NaN, 5e-4, 2.0, 1600));
            // Flushed after every epoch: the records are in the file before it is closed.
            assertEquals(1 + 6 + 4, EventFileReader.read(file).size());
        }
        List<ReadEvent> events = EventFileReader.read(file);
        assertScalar(events.get(1), "loss/train", 1, 0.75f);
        assertScalar(events.get(2), "accuracy/train", 1, 0.5f);
        assertScalar(events.get(3), "loss/validation", 1, 0.875f);
        assertScalar(events.get(4), "accuracy/validation", 1, 0.625f);
        assertScalar(events.get(5), "learning_rate", 1, 1e-3f);
        assertScalar(events.get(6), "images_per_second", 1, 1500f);
        assertScalar(events.get(7), "loss/train", 2, 0.5f);
        assertScalar(events.get(8), "accuracy/train", 2, 0.75f);
        assertScalar(events.get(9), "learning_rate", 2, 5e-4f);
        assertScalar(events.get(10), "images_per_second", 2, 1600f);
    }

    @Test
    void theLoggerWritesAHistogramPerFiniteParameter() throws IOException {
        Path file;
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        try (Tensor weight = Tensor.of(new float[] {-1f, 0f, 1f, 2f}, 2, 2);
             Tensor bias = Tensor.of(0.5f, 0.5f);
             Tensor broken = Tensor.of(1f, Float.NaN);
             EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            file = writer.file();
            parameters.put("fc1.weight", weight);
            parameters.put("fc1.bias", bias);
            parameters.put("fc2.weight", broken);
            new TensorBoardLogger(writer).weights(3, parameters);
        }
        List<ReadEvent> events = EventFileReader.read(file);
        assertEquals(3, events.size(), "file version and two histograms; the NaN tensor is left out");
        assertEquals("weights/fc1.weight", events.get(1).tag());
        assertEquals(3, events.get(1).step());
        Histo w = events.get(1).histogram();
        assertEquals(-1, w.min());
        assertEquals(2, w.max());
        assertEquals(4, w.num());
        assertEquals(2, w.sum());
        assertEquals(6, w.sumSquares());
        assertEquals("weights/fc1.bias", events.get(2).tag());
        assertEquals(List.of(0.5), events.get(2).histogram().bucketLimits());
        assertEquals(List.of(2.0), events.get(2).histogram().buckets());
    }

    private static void assertScalar(ReadEvent event, String tag, long step, float value) {
        assertEquals(tag, event.tag());
        assertEquals(step, event.step());
        assertEquals(value, event.scalar(), "scalar " + tag + " at step " + step);
        assertEquals(1767323045.25, event.wallTime());
    }

    private static int littleEndianInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff) << 16
                | (bytes[offset + 3] & 0xff) << 24;
    }
}
