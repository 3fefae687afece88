package org.jdnn.train.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.jdnn.data.DataLoader;
import org.jdnn.data.InMemoryDataset;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.train.Evaluation;
import org.jdnn.train.GradientHealth;
import org.jdnn.train.LossFunction;
import org.jdnn.train.StepRecord;
import org.jdnn.train.Trainer;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.Plots;
import org.jdnn.train.report.ProgressReporter;
import org.jdnn.train.tensorboard.EventFileReader.Histo;
import org.jdnn.train.tensorboard.EventFileReader.ReadEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logger in a real training run: a two-layer network (layers {@code 0} and {@code 2}), 64 samples in batches of
 * 16, so 4 steps per epoch and steps 1 to 8 over two epochs. Every series uses the global step; the per-step norms are
 * the ones gradient health measured, and agree with the gradient histograms.
 */
class TensorBoardLoggerTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-02T03:04:05Z"));
    private static final ProgressReporter QUIET = ProgressReporter.plain(new PrintStream(new ByteArrayOutputStream()));
    private static final List<String> CLASSES = List.of("left", "right");
    private static final Map<String, Integer> SIZES = Map.of("0.weight", 32, "0.bias", 8, "2.weight", 16, "2.bias", 2);

    @TempDir
    Path dir;

    /** What one run left behind: its event file by tag and step, and what the trainer itself reported. */
    private record Run(Map<String, TreeMap<Long, ReadEvent>> events, List<StepRecord> steps, List<EpochRecord> epochs,
                       GradientHealth health, Evaluation lastValidation) {
        TreeSet<Long> steps(String tag) {
            TreeMap<Long, ReadEvent> series = events.get(tag);
            return series == null ? new TreeSet<>() : new TreeSet<>(series.keySet());
        }

        ReadEvent at(String tag, long step) {
            ReadEvent e = events.getOrDefault(tag, new TreeMap<>()).get(step);
            assertNotNull(e, tag + " at step " + step + "; tags: " + events.keySet());
            return e;
        }

        float scalar(String tag, long step) {
            return at(tag, step).scalar();
        }
    }

    /** Two epochs of SGD on two separable classes; the logger logs every {@code every} steps. */
    private Run train(int every, int gradientHealth) throws IOException {
        List<StepRecord> steps = new ArrayList<>();
        List<EpochRecord> epochs = new ArrayList<>();
        Path file;
        GradientHealth health;
        Evaluation lastValidation;
        try (Module model = new Sequential(new Linear(4, 8, true, 1L), new ReLU(), new Linear(8, 2, true, 2L));
             SGD sgd = new SGD(model.parameters(), SgdParams.of(0.1));
             EventWriter writer = EventWriter.create(dir.resolve("every-" + every), CLOCK, "box")) {
            file = writer.file();
            TensorBoardLogger logger = new TensorBoardLogger(writer, model, every);
            LossFunction loss = (out, batch) -> Losses.crossEntropy(out, batch.labelArray());
            Trainer[] trainer = new Trainer[1];
            trainer[0] = Trainer.builder(model, sgd, loss).classes(2).progress(QUIET).gradientHealth(gradientHealth)
                    .onStep(steps::add)
                    .onStep(logger)
                    .onEpochEnd(epochs::add)
                    .onEpochEnd(logger)
                    .onEpochEnd(record -> logger.confusionMatrix("confusion_matrix/validation", logger.lastStep(),
                            trainer[0].lastValidation().confusion(), CLASSES))
                    .build();
            trainer[0].fit(data(64, 3), data(32, 4), 1, 2);
            health = trainer[0].gradientHealth();
            lastValidation = trainer[0].lastValidation();
        }
        Map<String, TreeMap<Long, ReadEvent>> events = new LinkedHashMap<>();
        List<ReadEvent> read = EventFileReader.read(file);
        assertEquals(EventWriter.FILE_VERSION, read.get(0).fileVersion());
        for (ReadEvent e : read.subList(1, read.size())) {
            ReadEvent earlier = events.computeIfAbsent(e.tag(), t -> new TreeMap<>()).put(e.step(), e);
            assertNull(earlier, e.tag() + " written twice at step " + e.step());
        }
        return new Run(events, steps, epochs, health, lastValidation);
    }

    private static DataLoader data(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < 4; j++) {
                rows[i][j] = (float) (random.nextGaussian() + (labels[i] == 1 ? 0.5 : -0.5));
            }
        }
        return DataLoader.builder(InMemoryDataset.of(rows, labels)).batchSize(16).shuffle(seed).build();
    }

    @Test
    void everyNStepsTheStepScalarsNormsAndHistogramsAreLogged() throws IOException {
        Run run = train(2, 2);
        TreeSet<Long> due = new TreeSet<>(List.of(2L, 4L, 6L, 8L));
        for (String tag : List.of("loss/train_step", "learning_rate/step", "images_per_second/step", "grad_norm/0",
                "grad_norm/2", "weight_norm/0", "weight_norm/2")) {
            assertEquals(due, run.steps(tag), tag);
        }
        for (StepRecord step : run.steps()) {
            if (due.contains(step.step())) {
                assertEquals((float) step.loss(), run.scalar("loss/train_step", step.step()), "loss at " + step);
                assertEquals(0.1f, run.scalar("learning_rate/step", step.step()), "lr at " + step);
                assertEquals((float) step.imagesPerSecond(), run.scalar("images_per_second/step", step.step()));
                assertTrue(step.imagesPerSecond() > 0, step.toString());
            }
        }
        // The norms are gradient health's own numbers, not a second measurement.
        assertEquals(8, run.health().rows().size(), "2 layers x 4 checks");
        for (GradientHealth.LayerNorms norms : run.health().rows()) {
            assertEquals((float) norms.gradNorm(), run.scalar("grad_norm/" + norms.layer(), norms.step()),
                    norms.toString());
            assertEquals((float) norms.weightNorm(), run.scalar("weight_norm/" + norms.layer(), norms.step()),
                    norms.toString());
        }
        for (String name : SIZES.keySet()) {
            assertEquals(due, run.steps("weights/" + name), "weights/" + name);
            assertEquals(due, run.steps("gradients/" + name), "gradients/" + name);
        }
        assertHistogramsCountEveryElement(run);
        assertGradientNormsMatchTheHistograms(run, due);
    }

    @Test
    void withoutGradientHealthTheLoggerStillGetsTheNormsOfItsOwnSteps() throws IOException {
        Run run = train(3, 0);
        assertNull(run.health(), "gradient health is off");
        TreeSet<Long> due = new TreeSet<>(List.of(3L, 6L));
        assertEquals(due, run.steps("grad_norm/0"));
        assertEquals(due, run.steps("weight_norm/2"));
        assertEquals(due, run.steps("loss/train_step"));
        for (StepRecord step : run.steps()) {
            assertEquals(due.contains(step.step()) ? 2 : 0, step.norms().size(),
                    "norms are measured only on the logger's steps: " + step);
        }
        // Histograms every 3 steps and at each epoch's end (steps 4 and 8), once per step.
        TreeSet<Long> histogramSteps = new TreeSet<>(List.of(3L, 4L, 6L, 8L));
        for (String name : SIZES.keySet()) {
            assertEquals(histogramSteps, run.steps("weights/" + name), "weights/" + name);
            assertEquals(histogramSteps, run.steps("gradients/" + name), "gradients/" + name);
        }
        assertHistogramsCountEveryElement(run);
        assertGradientNormsMatchTheHistograms(run, due);
    }

    @Test
    void eachEpochsMetricsSitAtItsLastStep() throws IOException {
        Run run = train(3, 0);
        for (EpochRecord epoch : run.epochs()) {
            long step = 4L * epoch.epoch();
            assertEquals((float) epoch.epoch(), run.scalar("epoch", step), "epoch " + epoch.epoch());
            assertEquals((float) epoch.trainLoss(), run.scalar("loss/train", step), "loss/train " + epoch);
            assertEquals((float) epoch.trainAccuracy(), run.scalar("accuracy/train", step), "accuracy/train " + epoch);
            assertEquals((float) epoch.validationLoss(), run.scalar("loss/validation", step), "loss/validation");
            assertEquals((float) epoch.validationAccuracy(), run.scalar("accuracy/validation", step));
            assertEquals(0.1f, run.scalar("learning_rate", step), "learning_rate " + epoch);
            assertEquals((float) epoch.imagesPerSecond(), run.scalar("images_per_second", step));
        }
        assertEquals(new TreeSet<>(List.of(4L, 8L)), run.steps("loss/train"));
    }

    @Test
    void everyZeroLogsPerEpochOnly() throws IOException {
        Run run = train(0, 0);
        TreeSet<Long> ends = new TreeSet<>(List.of(4L, 8L));
        for (Map.Entry<String, TreeMap<Long, ReadEvent>> series : run.events().entrySet()) {
            assertEquals(ends, new TreeSet<>(series.getValue().keySet()), series.getKey());
        }
        assertTrue(run.events().keySet().stream().noneMatch(tag -> tag.endsWith("/step") || tag.endsWith("_step")
                || tag.contains("_norm/")), "no per-step series: " + run.events().keySet());
        assertTrue(run.events().containsKey("gradients/0.weight"), run.events().keySet().toString());
        run.steps().forEach(step -> assertEquals(List.of(), step.norms(), "no norms asked for at " + step));
    }

    @Test
    void theValidationConfusionMatrixIsAPngOfThePlotsPicture() throws IOException {
        Run run = train(0, 0);
        assertEquals(new TreeSet<>(List.of(4L, 8L)), run.steps("confusion_matrix/validation"));
        EventFileReader.Image image = run.at("confusion_matrix/validation", 8).image();
        EventWriterTest.assertPng(image.encoded());
        assertEquals(3, image.colorspace(), "RGB");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.encoded()));
        BufferedImage drawn = Plots.confusionMatrixImage(run.lastValidation().confusion(), CLASSES);
        assertEquals(drawn.getWidth() + "x" + drawn.getHeight(), image.width() + "x" + image.height(), "record size");
        assertEquals(drawn.getWidth() + "x" + drawn.getHeight(), decoded.getWidth() + "x" + decoded.getHeight());
        for (int y = 0; y < drawn.getHeight(); y++) {
            for (int x = 0; x < drawn.getWidth(); x++) {
                assertEquals(drawn.getRGB(x, y), decoded.getRGB(x, y), "pixel (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void aLoggerThatSeesNoStepsRefusesToGuessTheStep() {
        try (Module model = new Linear(4, 2, true, 1L);
             EventWriter writer = EventWriter.create(dir, CLOCK, "box")) {
            TensorBoardLogger logger = new TensorBoardLogger(writer, model, 10);
            var e = assertThrows(IllegalStateException.class,
                    () -> logger.accept(new EpochRecord(1, 0.5, 0.5, Double.NaN, Double.NaN, 0.1, 1, 100)));
            assertTrue(e.getMessage().contains("epoch 1") && e.getMessage().contains("onStep"), e.getMessage());
            var negative = assertThrows(IllegalArgumentException.class, () -> new TensorBoardLogger(writer, model, -1));
            assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        }
    }

    /** Every histogram counts each element of its tensor once. */
    private static void assertHistogramsCountEveryElement(Run run) {
        run.events().forEach((tag, series) -> series.forEach((step, e) -> {
            if (e.histogram() != null) {
                int size = SIZES.get(tag.substring(tag.indexOf('/') + 1));
                Histo h = e.histogram();
                assertEquals(size, h.num(), tag + " at " + step);
                assertEquals(size, h.buckets().stream().mapToDouble(Double::doubleValue).sum(),
                        tag + " bucket counts at " + step + ": " + h.buckets());
            }
        }));
    }

    /**
     * Without clipping the histograms hold the very gradients gradient health reduced on the device: a layer's norm
     * squared is the sum of its gradients' sums of squares (taken on the host in double).
     */
    private static void assertGradientNormsMatchTheHistograms(Run run, TreeSet<Long> steps) {
        for (long step : steps) {
            for (String layer : List.of("0", "2")) {
                double squares = run.at("gradients/" + layer + ".weight", step).histogram().sumSquares()
                        + run.at("gradients/" + layer + ".bias", step).histogram().sumSquares();
                float norm = run.scalar("grad_norm/" + layer, step);
                assertEquals(Math.sqrt(squares), norm, 1e-5 * norm, "layer " + layer + " at step " + step);
                assertTrue(norm > 0, "layer " + layer + " has a gradient at step " + step);
            }
        }
    }
}
