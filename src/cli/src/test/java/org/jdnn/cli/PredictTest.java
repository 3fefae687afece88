package org.jdnn.cli;

import org.jdnn.data.FashionMnist;
import org.jdnn.data.IdxArray;
import org.jdnn.testdata.IdxFiles;
import org.jdnn.data.IdxReader;
import org.jdnn.train.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.jdnn.cli.CommandLineTest.run;
import static org.jdnn.cli.CommandLineTest.usageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jdnn predict} end to end: a small MLP trained here for one short epoch on the synthetic data set, then
 * asked about test images given as an IDX file and as PNG photos (enlarged, negated, in colour) written here.
 */
class PredictTest {
    @TempDir
    static Path dir;
    static Path run;
    static Path testImages;
    static IdxArray images;
    static IdxArray labels;

    @BeforeAll
    static void trainATinyModel() throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 1500, 60, 11);
        run = dir.resolve("run");
        new Training(new PrintStream(new ByteArrayOutputStream())).train(TrainOptions.parse(List.of("--model", "mlp",
                "--epochs", "1", "--batch-size", "32", "--validation", "0", "--data", data.toString(),
                "--out", run.toString(), "--plain", "--seed", "3")));
        testImages = data.resolve("t10k-images-idx3-ubyte.gz");
        images = IdxReader.readImages(testImages);
        labels = IdxReader.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    /** Sample {@code index} of the test file as an RGB photo: 3x enlarged, dark on light, tinted blue. */
    private static Path photo(int index) throws Exception {
        BufferedImage image = new BufferedImage(84, 84, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 84; y++) {
            for (int x = 0; x < 84; x++) {
                int v = 255 - (images.data()[index * 784 + (y / 3) * 28 + x / 3] & 0xFF);
                image.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Path file = dir.resolve("sample-" + index + ".png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void anIdxImageIsClassifiedAsItsLabel() {
        int correct = 0;
        for (int k = 0; k < 10; k++) {
            CommandLineTest.Result r = run("predict", "--checkpoint", run.toString(), testImages.toString(),
                    "--index", Integer.toString(k), "--json");
            assertEquals(0, r.code(), r.toString());
            Matcher m = Pattern.compile("\"label\": (\\d+), \"class\": \"([^\"]+)\"").matcher(r.out());
            assertTrue(m.find(), r.out());
            assertEquals(FashionMnist.CLASSES.get(Integer.parseInt(m.group(1))), m.group(2));
            correct += Integer.parseInt(m.group(1)) == labels.data()[k] ? 1 : 0;
        }
        assertTrue(correct >= 8, correct + " of 10 test images right (chance: 1)");
    }

    @Test
    void aPngPhotoGivesTheSameProbabilitiesAsItsIdxOriginal() throws Exception {
        for (int k = 0; k < 3; k++) {
            String fromIdx = run("predict", "--checkpoint", run.toString(), testImages.toString(), "--index",
                    Integer.toString(k), "--json", "--top", "10").out();
            String fromPng = run("predict", "--checkpoint", run.toString(), photo(k).toString(), "--json", "--top", "10").out();
            assertEquals(fromIdx.substring(fromIdx.indexOf("\"label\"")), fromPng.substring(fromPng.indexOf("\"label\"")),
                    "sample " + k);
        }
    }

    @Test
    void textOutputNamesTheClassAndTheTopProbabilities() throws Exception {
        Path checkpoint = Checkpoint.latest(run);
        CommandLineTest.Result r = run("predict", "--checkpoint", checkpoint.toString(), testImages.toString(),
                "--index", "4", "--top", "3");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        String best = FashionMnist.CLASSES.get(labels.data()[4]);
        assertTrue(lines.getFirst().startsWith(testImages + "[4]: "), r.out());
        double sum = 0;
        for (String line : lines.subList(1, 4)) {
            Matcher m = Pattern.compile("^  (.+?)\\s+(\\d+\\.\\d\\d) %$").matcher(line);
            assertTrue(m.matches(), line);
            sum += Double.parseDouble(m.group(2));
        }
        assertTrue(sum <= 100.01, r.out());
        String predicted = lines.getFirst().substring((testImages + "[4]: ").length(), lines.getFirst().indexOf(" ("));
        assertTrue(lines.get(1).startsWith("  " + predicted + " "), "the first listed class is the prediction: " + r.out());
        assertEquals(best, predicted, "sample 4's label");
    }

    @Test
    void indexMustFitTheIdxFileAndOnlyAnIdxFile() throws Exception {
        assertEquals("jdnn predict: --index 60 is out of range: " + testImages + " holds 60 images (0 to 59) "
                + "(see jdnn predict --help)", usageError("predict", "--checkpoint", run.toString(), testImages.toString(),
                "--index", "60"));
        Path png = photo(0);
        assertEquals("jdnn predict: --index applies to IDX files only; " + png + " is a picture (see jdnn predict --help)",
                usageError("predict", "--checkpoint", run.toString(), png.toString(), "--index", "1"));
    }

    @Test
    void unreadableInputsFailInOneLine() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        CommandLineTest.Result r = run("predict", "--checkpoint", run.toString(), text.toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertEquals("jdnn predict: " + text + ": neither an image ImageIO reads (PNG, JPEG, GIF, BMP) nor an IDX file",
                r.err().strip());
        Path small = Files.write(dir.resolve("small-idx3-ubyte"), IdxFiles.images(1, 8, 8, new byte[64]));
        r = run("predict", "--checkpoint", run.toString(), small.toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertTrue(r.err().strip().endsWith("the images are 8x8 pixels; the models take 28x28 (convert them to PNG to "
                + "have them resized)"), r.toString());
    }

    @Test
    void aCheckpointWithoutModelNameOrWithAnAbsurdEpochFailsClearly(@TempDir Path other) throws Exception {
        Path checkpoint = other.resolve("checkpoints/epoch-0001");
        Files.createDirectories(checkpoint);
        Path source = Checkpoint.latest(run);
        for (String f : List.of("model.safetensors", "optimizer.safetensors")) {
            Files.copy(source.resolve(f), checkpoint.resolve(f));
        }
        Files.writeString(other.resolve("checkpoints/latest"), "epoch-0001");
        String state = Files.readString(source.resolve("state.json"));

        Files.writeString(checkpoint.resolve("state.json"), state.replaceFirst("\"model\": \"mlp\", ", ""));
        CommandLineTest.Result r = run("predict", "--checkpoint", other.toString(), testImages.toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertEquals("jdnn predict: " + checkpoint.resolve("state.json") + ": the setting \"model\" is missing "
                + "(checkpoints written by jdnn train record it; was this one written by another program, or edited?)",
                r.err().strip());
        r = run("eval", "--checkpoint", other.toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertTrue(r.err().contains("the setting \"model\" is missing") && !r.err().contains("\tat "), r.toString());

        Files.writeString(checkpoint.resolve("state.json"), state.replaceFirst("\"epoch\": 1,", "\"epoch\": 4294967297,"));
        r = run("train", "--resume", "--out", other.toString(), "--data", dir.resolve("data").toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertEquals("jdnn train: " + checkpoint.resolve("state.json") + ": \"epoch\" must be an integer from 0 to "
                + "2147483647, got 4294967297", r.err().strip());

        Files.writeString(checkpoint.resolve("state.json"), state.replaceFirst("\"batch_size\": \"32\"", "\"batch_size\": \"-32\""));
        r = run("train", "--resume", "--out", other.toString(), "--data", dir.resolve("data").toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertEquals("jdnn train: " + checkpoint.resolve("state.json") + ": the setting \"batch_size\" must be an "
                + "integer from 1 to 2147483647, got \"-32\"", r.err().strip());
    }
}
