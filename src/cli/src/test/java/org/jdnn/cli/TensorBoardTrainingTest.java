package org.jdnn.cli;

import org.jdnn.train.tensorboard.RecordFraming;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --tensorboard DIR}: the event file holds the same per-epoch numbers as metrics.json. */
class TensorBoardTrainingTest {

    @Test
    void trainingWritesEachEpochsMetricsToAnEventFile(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 600, 120, 3);
        Path out = dir.resolve("run");
        Path board = dir.resolve("tb");
        TrainOptions options = TrainOptions.parse(List.of("--data", data.toString(), "--out", out.toString(),
                "--plain", "--validation", "100", "--seed", "7", "--model", "mlp", "--epochs", "2",
                "--batch-size", "32"));
        new Training(new PrintStream(new ByteArrayOutputStream())).tensorBoard(board).train(options);

        List<Path> files;
        try (Stream<Path> list = Files.list(board)) {
            files = list.toList();
        }
        assertEquals(1, files.size(), "event files in " + board + ": " + files);
        assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."), files.toString());

        List<byte[]> events = read(files.get(0));
        assertEquals("brain.Event:2", new String(fields(events.get(0)).get(3)));
        Map<String, Float> scalars = new LinkedHashMap<>();
        List<String> histograms = new ArrayList<>();
        for (byte[] event : events.subList(1, events.size())) {
            // Event.step = 2, Event.summary = 5; Summary.value = 1; Value.tag = 1, simple_value = 2, histo = 5
            Map<Integer, byte[]> e = fields(event);
            Map<Integer, byte[]> value = fields(fields(e.get(5)).get(1));
            long step = ByteBuffer.wrap(e.get(2)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String tag = new String(value.get(1));
            if (value.containsKey(5)) {
                histograms.add(tag + "@" + step);
            } else {
                scalars.put(tag + "@" + step, ByteBuffer.wrap(value.get(2)).order(ByteOrder.LITTLE_ENDIAN).getFloat());
            }
        }
        // The MLP's weight and bias of each layer, once per epoch.
        assertTrue(histograms.contains("weights/" + firstParameter() + "@1"), histograms.toString());
        assertEquals(histograms.size() / 2, histograms.stream().filter(h -> h.endsWith("@2")).count(),
                histograms.toString());
        List<EpochRecord> history = History.readJson(out.resolve("metrics.json")).records();
        assertEquals(2, history.size());
        assertEquals(12, scalars.size(), "six series over two epochs: " + scalars.keySet());
        for (EpochRecord epoch : history) {
            int e = epoch.epoch();
            assertEquals((float) epoch.trainLoss(), scalars.get("loss/train@" + e), "loss/train epoch " + e);
            assertEquals((float) epoch.validationAccuracy(), scalars.get("accuracy/validation@" + e),
                    "accuracy/validation epoch " + e);
            assertEquals((float) epoch.learningRate(), scalars.get("learning_rate@" + e), "learning_rate epoch " + e);
            assertTrue(scalars.get("images_per_second@" + e) > 0, "images/s epoch " + e);
        }
    }

    private static String firstParameter() {
        try (var model = org.jdnn.nn.models.Models.create("mlp", 7)) {
            return model.namedParameters().keySet().iterator().next();
        }
    }

    @Test
    void tensorBoardIsRejectedWithDistributed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> parseAndCheck("--tensorboard", "tb", "--distributed"));
        assertTrue(e.getMessage().contains("--tensorboard"), e.getMessage());
    }

    @Test
    void aTensorBoardPathThatIsAFileIsRejected(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        var e = assertThrows(IllegalArgumentException.class,
                () -> parseAndCheck("--tensorboard", file.toString(), "--data", dir.toString()));
        assertTrue(e.getMessage().contains("--tensorboard: " + file + " is not a directory"), e.getMessage());
    }

    private static void parseAndCheck(String... args) throws Exception {
        TrainCommand command = new TrainCommand();
        try {
            new picocli.CommandLine(command).parseArgs(args);
            command.call();
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The fields of a protocol-buffer message by number (the last occurrence wins), enough for the scalars: a varint
     * comes back as its eight little-endian bytes, fixed32 and fixed64 as their bytes, length-delimited as the payload.
     */
    private static Map<Integer, byte[]> fields(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, byte[]> fields = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            long key = varint(in);
            byte[] value = switch ((int) (key & 7)) {
                case 0 -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(varint(in)).array();
                case 1 -> take(in, 8);
                case 2 -> take(in, (int) varint(in));
                case 5 -> take(in, 4);
                default -> throw new AssertionError("wire type " + (key & 7));
            };
            fields.put((int) (key >>> 3), value);
        }
        return fields;
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static byte[] take(ByteBuffer in, int n) {
        byte[] bytes = new byte[n];
        in.get(bytes);
        return bytes;
    }

    /** The records of an event file, their checksums checked. */
    private static List<byte[]> read(Path file) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> events = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] length = new byte[8];
            in.get(length);
            assertEquals(RecordFraming.maskedCrc32c(length, 0, 8), in.getInt(), "length checksum");
            byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
            in.get(data);
            assertEquals(RecordFraming.maskedCrc32c(data, 0, data.length), in.getInt(), "data checksum");
            events.add(data);
        }
        return events;
    }
}
