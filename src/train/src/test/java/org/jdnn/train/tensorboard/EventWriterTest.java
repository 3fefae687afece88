package org.jdnn.train.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.jdnn.train.tensorboard.EventFileReader.Histo;
import org.jdnn.train.tensorboard.EventFileReader.Image;
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
    void anImageComesBackAsAPngOfItsSizeAndColourSpace() throws IOException {
        BufferedImage rgb = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff0000);
        rgb.setRGB(6, 4, 0x00ff00);
        BufferedImage rgba = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(1, 1, 0x800000ff);
        Path file;
        try (EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            file = writer.file();
            writer.image("pictures/rgb", 4, rgb);
            writer.image("pictures/rgba", 5, rgba);
        }
        List<ReadEvent> events = EventFileReader.read(file);
        assertEquals(3, events.size());
        ReadEvent first = events.get(1);
        assertEquals("pictures/rgb", first.tag());
        assertEquals(4, first.step());
        assertEquals(new Dimension(7, 5), new Dimension(first.image().width(), first.image().height()));
        assertEquals(3, first.image().colorspace(), "RGB");
        assertPng(first.image().encoded());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(first.image().encoded()));
        assertEquals(new Dimension(7, 5), new Dimension(decoded.getWidth(), decoded.getHeight()));
        assertEquals(0xffff0000, decoded.getRGB(0, 0), "pixel (0, 0)");
        assertEquals(0xff00ff00, decoded.getRGB(6, 4), "pixel (6, 4)");
        assertEquals(0xff000000, decoded.getRGB(3, 2), "pixel (3, 2)");

        Image second = events.get(2).image();
        assertEquals(4, second.colorspace(), "RGBA");
        assertEquals(new Dimension(3, 2), new Dimension(second.width(), second.height()));
        assertEquals(0x800000ff, ImageIO.read(new ByteArrayInputStream(second.encoded())).getRGB(1, 1));
    }

    /** The eight bytes every PNG file starts with. */
    static void assertPng(byte[] bytes) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertArrayEquals(signature, java.util.Arrays.copyOf(bytes, 8), "PNG signature");
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
