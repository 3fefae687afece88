package org.jdnn.cli;

import org.jdnn.train.tensorboard.RecordFraming;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code train --tensorboard DIR}: the event file holds per-step series and histograms every N steps, the same
 * per-epoch numbers as metrics.json at each epoch's last step, and the confusion matrices as PNG images.
 */
class TensorBoardTrainingTest {

    @Test
    void trainingWritesPerStepAndPerEpochRecordsToAnEventFile(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 600, 120, 3);
        Path out = dir.resolve("run");
        Path board = dir.resolve("tb");
        TrainOptions options = TrainOptions.parse(List.of("--data", data.toString(), "--out", out.toString(),
                "--plain", "--validation", "100", "--seed", "7", "--model", "mlp", "--epochs", "2",
                "--batch-size", "32"));
        new Training(new PrintStream(new ByteArrayOutputStream())).tensorBoard(board, 5).train(options);

        assertEventFileMatchesTheRun(board, out, "");
    }

    /**
     * The same run on 2 MPI ranks (global batch 32, 16 per rank, so the same 16 steps an epoch): rank 0 alone writes
     * the one event file, with the records of a single-process run. Skipped, with the reason, without mpirun.
     */
    @Test
    void distributedTrainingWritesOneEventFileFromRankZero(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("mpirun"), "mpirun not found on the PATH: install openmpi-bin (ci/setup.sh)");
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 600, 120, 3);
        Path out = dir.resolve("run");
        Path board = dir.resolve("tb");
        List<String> command = new ArrayList<>(List.of("mpirun", "-np", "2", "--oversubscribe",
                "--mca", "btl_vader_single_copy_mechanism", "none",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--distributed", "--threads", "1", "--data", data.toString(), "--out", out.toString(),
                "--plain", "--validation", "100", "--seed", "7", "--model", "mlp", "--epochs", "2",
                "--batch-size", "32", "--tensorboard", board.toString(), "--tensorboard-every", "5"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Open MPI refuses to start as root without these (CI containers run as root).
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        Path log = dir.resolve("mpirun.log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(ended, "mpirun did not end within 180 s:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("distributed: 2 ranks"), output);

        // Layers are named as in the DistributedDataParallel's state dict, under "module.", as PyTorch's.
        assertEventFileMatchesTheRun(board, out, "module.");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /**
     * {@code board} holds one event file with the per-step series every 5 steps, histograms, the confusion matrices,
     * and at each epoch's last step the numbers of {@code out}'s metrics.json (2 epochs of 16 steps); parameter and
     * layer names start with {@code prefix}.
     */
    private static void assertEventFileMatchesTheRun(Path board, Path out, String prefix) throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(board)) {
            files = list.toList();
        }
        assertEquals(1, files.size(), "event files in " + board + ": " + files);
        assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."), files.toString());

        List<byte[]> events = read(files.get(0));
        assertEquals("brain.Event:2", new String(fields(events.get(0)).get(3)));
        Map<String, Float> scalars = new LinkedHashMap<>();
        Map<String, TreeSet<Long>> steps = new TreeMap<>();
        Map<String, Map<Integer, byte[]>> images = new LinkedHashMap<>();
        for (byte[] event : events.subList(1, events.size())) {
            // Event.step = 2, Event.summary = 5; Summary.value = 1; Value.tag = 1, simple_value = 2, image = 4,
            // histo = 5; Image.height = 1, width = 2, colorspace = 3, encoded_image_string = 4
            Map<Integer, byte[]> e = fields(event);
            Map<Integer, byte[]> value = fields(fields(e.get(5)).get(1));
            long step = ByteBuffer.wrap(e.get(2)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String tag = new String(value.get(1));
            assertTrue(steps.computeIfAbsent(tag, t -> new TreeSet<>()).add(step), tag + " twice at step " + step);
            if (value.containsKey(2)) {
                scalars.put(tag + "@" + step, ByteBuffer.wrap(value.get(2)).order(ByteOrder.LITTLE_ENDIAN).getFloat());
            } else if (value.containsKey(4)) {
                images.put(tag + "@" + step, fields(value.get(4)));
            } else {
                assertTrue(value.containsKey(5), "a scalar, image or histogram: " + tag);
            }
        }
        // 500 training images in batches of 32: 16 steps per epoch; epoch records sit at each epoch's last step.
        assertEquals(new TreeSet<>(List.of(16L, 32L)), steps.get("epoch"), "epoch records: " + steps);
        TreeSet<Long> everyFive = new TreeSet<>(List.of(5L, 10L, 15L, 20L, 25L, 30L));
        TreeSet<Long> histogramSteps = new TreeSet<>(everyFive);
        histogramSteps.addAll(List.of(16L, 32L));
        for (String tag : List.of("loss/train_step", "learning_rate/step", "images_per_second/step")) {
            assertEquals(everyFive, steps.get(tag), tag);
        }
        for (String parameter : parameters(prefix)) {
            String layer = parameter.substring(0, parameter.lastIndexOf('.'));
            assertEquals(everyFive, steps.get("grad_norm/" + layer), "grad_norm/" + layer);
            assertEquals(everyFive, steps.get("weight_norm/" + layer), "weight_norm/" + layer);
            assertEquals(histogramSteps, steps.get("weights/" + parameter), "weights/" + parameter);
            assertEquals(histogramSteps, steps.get("gradients/" + parameter), "gradients/" + parameter);
        }
        assertEquals(Set.of("confusion_matrix/validation@16", "confusion_matrix/validation@32",
                "confusion_matrix/test@32"), images.keySet());
        for (Map.Entry<String, Map<Integer, byte[]>> image : images.entrySet()) {
            Map<Integer, byte[]> fields = image.getValue();
            byte[] png = fields.get(4);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                    Arrays.copyOf(png, 8), image.getKey() + " is a PNG");
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(decoded.getHeight(), ByteBuffer.wrap(fields.get(1)).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                    image.getKey() + " height");
            assertEquals(decoded.getWidth(), ByteBuffer.wrap(fields.get(2)).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                    image.getKey() + " width");
            assertEquals(3, ByteBuffer.wrap(fields.get(3)).order(ByteOrder.LITTLE_ENDIAN).getLong(), "RGB");
        }

        List<EpochRecord> history = History.readJson(out.resolve("metrics.json")).records();
        assertEquals(2, history.size());
        for (EpochRecord epoch : history) {
            int e = epoch.epoch();
            long step = 16L * e;
            assertEquals((float) e, scalars.get("epoch@" + step), "epoch at step " + step);
            assertEquals((float) epoch.trainLoss(), scalars.get("loss/train@" + step), "loss/train epoch " + e);
            assertEquals((float) epoch.validationAccuracy(), scalars.get("accuracy/validation@" + step),
                    "accuracy/validation epoch " + e);
            assertEquals((float) epoch.learningRate(), scalars.get("learning_rate@" + step), "learning_rate epoch " + e);
            assertTrue(scalars.get("images_per_second@" + step) > 0, "images/s epoch " + e);
        }
    }

    private static List<String> parameters(String prefix) {
        try (var model = org.jdnn.nn.models.Models.create("mlp", 7)) {
            return model.namedParameters().keySet().stream().map(name -> prefix + name).toList();
        }
    }

    @Test
    void tensorBoardEveryIsCheckedAndNeedsTensorBoard(@TempDir Path dir) {
        var negative = assertThrows(IllegalArgumentException.class,
                () -> parseAndCheck("--tensorboard", dir.toString(), "--tensorboard-every", "-1"));
        assertTrue(negative.getMessage().contains("--tensorboard-every must be >= 0, got -1"), negative.getMessage());
        var alone = assertThrows(IllegalArgumentException.class, () -> parseAndCheck("--tensorboard-every", "10"));
        assertTrue(alone.getMessage().contains("--tensorboard-every needs --tensorboard"), alone.getMessage());
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
