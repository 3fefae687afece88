package org.jdnn.cli;

import org.jdnn.data.SampleTransform;
import org.jdnn.train.Evaluation;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training and evaluation end to end, on a small synthetic data set in Fashion-MNIST's file layout. */
class TrainingTest {

    private static TrainOptions options(Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--out", out.toString(), "--plain",
                "--validation", "200", "--seed", "7"));
        args.addAll(List.of(extra));
        return TrainOptions.parse(args);
    }

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"lenet, onednn", "mlp, onednn", "mlp, reference", "cnn, onednn"})
    void oneShortEpochLearnsFarBeyondChance(String model, String backend, @TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 2000, 600, 1);
        Path out = dir.resolve("run");
        Evaluation result = new Training(QUIET).train(options(data, out, "--model", model, "--backend", backend,
                "--epochs", "1", "--batch-size", "32"));

        History history = History.readJson(out.resolve("metrics.json"));
        EpochRecord epoch = history.last();
        assertTrue(epoch.trainLoss() < Math.log(10) * 0.8, model + " on " + backend + ": loss did not fall: " + epoch);
        assertTrue(result.accuracy() > 0.6, model + " on " + backend + ": test accuracy " + result.accuracy() + " (chance 0.1)");
        for (String file : List.of("metrics.json", "metrics.csv", "loss.png", "accuracy.png", "confusion.png",
                "checkpoints/latest", "checkpoints/epoch-0001/model.safetensors")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file + " missing");
        }
    }

    /** resnet18 takes 32x32: the 28x28 image is normalised, then zeros (the normalised mean) go around it. */
    @Test
    void resnet18InputsArePaddedAfterNormalisationTheOthersOnlyNormalised() {
        for (String model : List.of("mlp", "lenet", "cnn")) {
            assertSame(Training.FASHION_MNIST_NORMALIZE, Training.inputTransform(model), model);
        }
        SampleTransform transform = Training.inputTransform("resnet18");
        long[] image = {1, 28, 28};
        assertArrayEquals(new long[] {1, 32, 32}, transform.outputShape(image));
        float[] values = new float[transform.workingSize(image)]; // a black image
        transform.apply(values, 0, image, new SplittableRandom(1));
        float black = (0 - 0.2860f) / 0.3530f;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                assertEquals(inside ? black : 0f, values[y * 32 + x], 1e-6f, "(" + y + ", " + x + ")");
            }
        }
    }

    @Test
    void aResumedRunContinuesExactlyAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 1200, 300, 2);
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        String[] run = {"--model", "cnn", "--batch-size", "64", "--optimizer", "adam"};
        new Training(QUIET).train(options(data, straight, concat(run, "--epochs", "3")));
        new Training(QUIET).train(options(data, resumed, concat(run, "--epochs", "1")));
        new Training(QUIET).train(options(data, resumed, concat(run, "--epochs", "3", "--resume")));

        List<EpochRecord> a = History.readJson(straight.resolve("metrics.json")).records();
        List<EpochRecord> b = History.readJson(resumed.resolve("metrics.json")).records();
        assertEquals(3, b.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 0, "train loss of epoch " + (i + 1));
            assertEquals(a.get(i).validationLoss(), b.get(i).validationLoss(), 0, "validation loss of epoch " + (i + 1));
            assertEquals(a.get(i).learningRate(), b.get(i).learningRate(), 0, "learning rate of epoch " + (i + 1));
        }
        Evaluation evaluated = evaluate(resumed, data);
        assertTrue(evaluated.accuracy() > 0.6, "eval of the saved checkpoint: " + evaluated.accuracy());
    }

    @Test
    void missingDataSaysHowToGetIt(@TempDir Path dir) {
        // the command line refuses a --data that does not exist; this is the default directory missing
        TrainOptions o = options(dir, dir.resolve("out"));
        TrainOptions noData = new TrainOptions(o.model(), o.epochs(), o.batchSize(), o.optimizer(), o.lr(),
                o.weightDecay(), o.schedule(), o.seed(), o.backend(), dir.resolve("nothing"), o.out(), o.resume(),
                o.validation(), o.patience(), o.clipGradNorm(), o.labelSmoothing(), o.limit(), o.threads(), o.plain(),
                o.gradHealth(), o.precision(), o.device());
        Exception e = assertThrows(java.nio.file.NoSuchFileException.class, () -> new Training(QUIET).train(noData));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void badOptionsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.parse(List.of("--optimizer", "lion")));
        assertTrue(e.getMessage().contains("--optimizer") && e.getMessage().contains("lion"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainOptions.parse(List.of("--epochs", "0")));
        assertThrows(IllegalArgumentException.class, () -> TrainOptions.parse(List.of("--lr", "abc")));
        assertThrows(IllegalArgumentException.class, () -> TrainOptions.parse(List.of("--bogus")));
        assertThrows(IllegalArgumentException.class, () -> TrainOptions.parse(List.of("--epochs")));
    }

    @Test
    void trainResumeAndEvalReportTheSameTestLossWithoutLabelSmoothing(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 600, 300, 3);
        Path out = dir.resolve("run");
        String[] run = {"--model", "mlp", "--batch-size", "32", "--label-smoothing", "0.3", "--epochs", "1"};
        Evaluation trained = new Training(QUIET).train(options(data, out, run));
        Evaluation resumed = new Training(QUIET).train(options(data, out, concat(run, "--resume")));
        Evaluation evaluated = evaluate(out, data);

        assertEquals(trained.loss(), evaluated.loss(), 0, "test loss of train vs eval of its checkpoint");
        assertEquals(trained.loss(), resumed.loss(), 0, "test loss of train vs a resume with no epoch left");
        assertEquals(trained.accuracy(), evaluated.accuracy(), 0, "test accuracy of train vs eval");
        // Plain cross-entropy: with smoothing 0.3 over 10 classes the smoothed loss of the same outputs is much
        // higher, so a train loss computed with smoothing would stand far above the test loss of the same weights.
        EpochRecord epoch = History.readJson(out.resolve("metrics.json")).last();
        assertTrue(evaluated.loss() < epoch.trainLoss() - 0.2,
                "test loss " + evaluated.loss() + " vs smoothed train loss " + epoch.trainLoss());
    }

    private static Evaluation evaluate(Path run, Path data) throws Exception {
        return new Training(QUIET).evaluate(org.jdnn.train.checkpoint.Checkpoint.latest(run), run, data, null, 0);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
