package org.jdnn.train.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jdnn.train.report.ConfusionMatrix;
import org.jdnn.train.report.Plots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorBoard itself reads what {@link EventWriter} writes: its own event-file loader (the one {@code tensorboard
 * --logdir} uses) finds every scalar, histogram and image with its step and values. Runs only where Python's
 * {@code tensorboard} package is installed ({@code pip install tensorboard}); elsewhere it is skipped, saying so.
 */
class TensorBoardReadsTheFileTest {
    private static final String READER = """
            import sys
            from tensorboard.backend.event_processing import event_accumulator as ea
            acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.IMAGES: 0})
            acc.Reload()
            tags = acc.Tags()
            for tag in sorted(tags["scalars"]):
                for e in acc.Scalars(tag):
                    print("scalar", tag, e.step, repr(e.value))
            for tag in sorted(tags["histograms"]):
                for e in acc.Histograms(tag):
                    h = e.histogram_value
                    print("histogram", tag, e.step, repr(h.min), repr(h.max), repr(h.num), repr(sum(h.bucket)),
                          len(h.bucket))
            for tag in sorted(tags["images"]):
                for e in acc.Images(tag):
                    print("image", tag, e.step, e.width, e.height, e.encoded_image_string[:4].hex())
            """;

    @TempDir
    Path dir;

    @Test
    void tensorBoardsOwnLoaderReadsScalarsHistogramsAndImages() throws Exception {
        assumeTrue(tensorBoardInstalled(), "Python's tensorboard package is not installed (pip install tensorboard)");
        float[] values = new float[100];
        Random random = new Random(5);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        ConfusionMatrix matrix = new ConfusionMatrix(3).add(0, 0).add(1, 2).add(2, 2);
        var picture = Plots.confusionMatrixImage(matrix, List.of("a", "b", "c"));
        Histogram histogram = Histogram.of("weights/w", values, Histogram.DEFAULT_BUCKETS);
        Path file;
        try (EventWriter writer = EventWriter.create(dir, InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000)),
                "box")) {
            file = writer.file();
            writer.scalar("loss/train", 1, 0.625f);
            writer.scalar("loss/train", 2, 0.5f);
            writer.histogram("weights/w", 2, values);
            writer.image("confusion_matrix/test", 3, picture);
        }
        String expected = String.join("\n",
                "scalar loss/train 1 0.625",
                "scalar loss/train 2 0.5",
                "histogram weights/w 2 " + histogram.min() + " " + histogram.max() + " 100.0 100.0 30",
                "image confusion_matrix/test 3 " + picture.getWidth() + " " + picture.getHeight() + " 89504e47");
        assertEquals(expected, run("python3", "-c", READER, file.getParent().toString()).strip());
    }

    private static boolean tensorBoardInstalled() {
        try {
            run("python3", "-c", "import tensorboard");
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /** The standard output of a command that must succeed within a minute. */
    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command[0], command[1]) + " failed: " + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            process.destroy();
        }
    }
}
