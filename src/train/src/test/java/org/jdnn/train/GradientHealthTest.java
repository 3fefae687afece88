package org.jdnn.train;

import org.jdnn.autograd.F;
import org.jdnn.data.DataLoader;
import org.jdnn.data.InMemoryDataset;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.Transfers;
import org.jdnn.train.report.ProgressReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient health: per-layer norms equal a hand computation, one host copy per check, and a warning naming the layer
 * and step when a gradient explodes, vanishes or turns NaN, once per layer and condition.
 */
class GradientHealthTest {

    /** Two linear layers {@code 0} and {@code 1} with hand-picked weights: W1 = I, b1 = 0, W2 = [2 3], b2 = 1. */
    private static Module twoLayers() {
        Module net = new Sequential(new Linear(2, 2, true, 1L), new Linear(2, 1, true, 2L));
        net.loadStateDict(Map.of("0.weight", Tensor.of(new float[] {1, 0, 0, 1}, 2, 2), "0.bias", Tensor.of(0f, 0f),
                "1.weight", Tensor.of(new float[] {2, 3}, 1, 2), "1.bias", Tensor.of(1f)));
        return net;
    }

    /** Backward of the sum of the outputs for input {@code x} [1, 2]. */
    private static void backward(Module net, Tensor x) {
        try (Scope scope = Scope.open()) {
            net.zeroGrad();
            F.sum(net.call(x)).backward();
        }
    }

    @Test
    void normsEqualAHandComputation() {
        List<String> warnings = new ArrayList<>();
        try (Module net = twoLayers(); Tensor x = Tensor.of(new float[] {1, 2}, 1, 2)) {
            backward(net, x);
            GradientHealth health = new GradientHealth(net, 1, warnings::add);
            List<GradientHealth.LayerNorms> norms = health.check(1);
            // y = W2 (W1 x + b1) + b2 with h = W1 x = [1, 2]: dW2 = h = [1, 2], db2 = 1; dW1 = W2^T x^T = [[2, 4], [3, 6]],
            // db1 = W2^T = [2, 3].
            assertEquals(2, norms.size(), "layers: " + norms);
            assertEquals("0", norms.get(0).layer());
            assertEquals(Math.sqrt(4 + 16 + 9 + 36 + 4 + 9), norms.get(0).gradNorm(), 1e-5);
            assertEquals(Math.sqrt(2), norms.get(0).weightNorm(), 1e-6);
            assertEquals("1", norms.get(1).layer());
            assertEquals(Math.sqrt(1 + 4 + 1), norms.get(1).gradNorm(), 1e-6);
            assertEquals(Math.sqrt(4 + 9 + 1), norms.get(1).weightNorm(), 1e-6);
            assertEquals(List.of(), warnings, "healthy norms warn");
            assertEquals(norms, health.rows());
        }
    }

    @Test
    void aCheckOnTheDeviceCopiesToTheHostOnce() {
        try (Module net = new Sequential(new Linear(8, 16, true, 3L), new ReLU(), new Linear(16, 16, true, 4L),
                new ReLU(), new Linear(16, 4, true, 5L)).to(Device.SIM);
             Tensor x = Tensor.randn(6, 5, 8).to(Device.SIM)) {
            backward(net, x);
            GradientHealth health = new GradientHealth(net, 1, line -> { });
            Transfers.Counts before = Transfers.counts();
            List<GradientHealth.LayerNorms> norms = health.check(1);
            // 3 layers, 6 parameters: 12 squared sums of 4 bytes in one read.
            assertEquals(new Transfers.Counts(0, 1, 0, 12 * 4), Transfers.counts().since(before), "copies of a check");
            assertEquals(List.of("0", "2", "4"), norms.stream().map(GradientHealth.LayerNorms::layer).toList());
        }
    }

    @Test
    void aNaNInputWarnsNotFiniteNamingLayerAndStep() {
        List<String> warnings = new ArrayList<>();
        try (Module net = twoLayers(); Tensor x = Tensor.of(new float[] {Float.NaN, 2}, 1, 2)) {
            backward(net, x);
            GradientHealth health = new GradientHealth(net, 5, warnings::add);
            assertEquals(List.of(), health.maybeCheck(4), "step 4 is not a check step of every 5");
            health.maybeCheck(5);
            health.maybeCheck(10);
            assertEquals(2, warnings.size(), "one warning per layer, not repeated: " + warnings);
            assertTrue(warnings.get(0).startsWith("warning: not finite gradient in layer 0 at step 5: norm NaN"),
                    warnings.get(0));
            assertTrue(warnings.get(1).contains("in layer 1 at step 5"), warnings.get(1));
        }
    }

    @Test
    void aZeroGradientLayerWarnsVanishingAndAFrozenOneIsLeftOut() {
        List<String> warnings = new ArrayList<>();
        // Layer 0 feeds a ReLU that is always off (weights 0, bias -1): no gradient reaches it.
        try (Module net = new Sequential(new Linear(2, 3, true, 6L), new ReLU(), new Linear(3, 2, true, 7L),
                new Linear(2, 2, true, 8L));
             Tensor x = Tensor.randn(9, 4, 2)) {
            net.loadStateDict(Map.of("0.weight", Tensor.zeros(3, 2), "0.bias", Tensor.of(-1f, -1f, -1f),
                    "2.weight", net.namedParameters().get("2.weight").copy(), "2.bias", Tensor.of(0.5f, 0.5f),
                    "3.weight", net.namedParameters().get("3.weight").copy(), "3.bias", Tensor.of(0f, 0f)));
            net.namedChildren().get("3").freeze();
            backward(net, x);
            GradientHealth health = new GradientHealth(net, 1, warnings::add);
            List<GradientHealth.LayerNorms> norms = health.check(7);
            assertEquals(List.of("0", "2"), norms.stream().map(GradientHealth.LayerNorms::layer).toList(),
                    "the frozen layer 3 is not checked");
            assertEquals(0.0, norms.get(0).gradNorm());
            assertEquals(1, warnings.size(), "warnings: " + warnings);
            assertTrue(warnings.get(0).startsWith("warning: vanishing gradient in layer 0 at step 7: norm 0.00000 < 1e-7"),
                    warnings.get(0));
        }
    }

    @Test
    void hugeInputsInTheTrainerWarnExplodingOnceNamingTheLayer(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        float[][] rows = new float[64][4];
        int[] labels = new int[64];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < 4; j++) {
                rows[i][j] = (float) (1e5 * random.nextGaussian()); // huge inputs: huge weight gradients
            }
        }
        DataLoader data = DataLoader.builder(InMemoryDataset.of(rows, labels)).batchSize(16).shuffle(11).build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Module model = new Linear(4, 2, true, 12L); SGD sgd = new SGD(model.parameters(), SgdParams.of(1e-9));
             ProgressReporter progress = ProgressReporter.plain(new PrintStream(log, true, StandardCharsets.UTF_8))) {
            Trainer trainer = Trainer.builder(model, sgd, (out, batch) -> Losses.crossEntropy(out, batch.labelArray()))
                    .classes(2).progress(progress).gradientHealth(2).build();
            trainer.fit(data, null, 1, 2);
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("warning: exploding gradient in layer model at step 2: norm "), text);
            assertTrue(text.contains(" > 1e3 (weight norm "), text);
            assertEquals(1, text.split("exploding", -1).length - 1, "the warning repeats: " + text);
            GradientHealth health = trainer.gradientHealth();
            assertEquals(List.of(2L, 4L, 6L, 8L), health.rows().stream().map(GradientHealth.LayerNorms::step).toList(),
                    "every 2 of 2 epochs x 4 batches");
            assertTrue(health.rows().getFirst().gradNorm() > GradientHealth.EXPLODE, "norm " + health.rows().getFirst());

            Path csv = dir.resolve("grad-norms.csv");
            health.writeCsv(csv);
            List<String> lines = Files.readAllLines(csv);
            assertEquals("step,layer,grad_norm,weight_norm", lines.getFirst());
            assertEquals(5, lines.size(), "header and 4 checks: " + lines);
            assertTrue(lines.get(1).startsWith("2,model,"), lines.get(1));
            Path png = dir.resolve("grad-norms.png");
            health.writePlot(png);
            assertEquals(org.jdnn.train.report.Plots.CURVE_WIDTH, javax.imageio.ImageIO.read(png.toFile()).getWidth());
        }
    }

    @Test
    void badIntervalsAreRejected() {
        try (Module net = twoLayers(); SGD sgd = new SGD(net.parameters(), SgdParams.of(0.1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new GradientHealth(net, 0, line -> { }));
            assertTrue(e.getMessage().contains("got 0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Trainer.builder(net, sgd, (out, b) -> out).gradientHealth(-1));
        }
    }
}
