package org.jdnn.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plots are written headless as PNGs that decode with ImageIO, have the expected size and are not blank.
 * (What they look like was checked by eye; these tests guard that rendering works and stays headless.)
 */
class PlotsTest {
    private static final long SEED = 7L;
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    @TempDir
    Path dir;

    @Test
    void lossAndAccuracyCurves() throws IOException {
        History h = HistoryTest.sample();
        Plots.lossCurves(h, dir.resolve("loss.png"));
        Plots.accuracyCurves(h, dir.resolve("accuracy.png"));
        assertEquals("true", System.getProperty("java.awt.headless"));
        for (String name : List.of("loss.png", "accuracy.png")) {
            BufferedImage image = decode(dir.resolve(name));
            assertEquals(Plots.CURVE_WIDTH, image.getWidth(), name);
            assertEquals(Plots.CURVE_HEIGHT, image.getHeight(), name);
            assertTrue(colours(image) > 10, name + " looks blank");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "only the two PNGs, no temporary files");
        }
    }

    @Test
    void degenerateHistoriesStillPlot() throws IOException {
        Plots.lossCurves(new History(), dir.resolve("empty.png"));
        History one = new History().add(new EpochRecord(1, 0.7, 0.75, Double.NaN, Double.NaN, 0.01, 3, 100));
        Plots.lossCurves(one, dir.resolve("one.png"));
        Plots.accuracyCurves(one, dir.resolve("one-acc.png"));
        for (String name : List.of("empty.png", "one.png", "one-acc.png")) {
            assertTrue(decode(dir.resolve(name)).getWidth() > 0, name);
        }
    }

    @Test
    void confusionMatrixHeatMap() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        ConfusionMatrix cm = new ConfusionMatrix(10);
        for (int i = 0; i < 5000; i++) {
            int actual = random.nextInt(10);
            cm.add(actual, random.nextDouble() < 0.85 ? actual : random.nextInt(10));
        }
        Path png = dir.resolve("plots/confusion.png");
        Plots.confusionMatrix(cm, FASHION, png);
        BufferedImage image = decode(png);
        assertTrue(image.getWidth() >= 640 && image.getHeight() >= 640, image.getWidth() + "x" + image.getHeight());
        assertTrue(colours(image) > 10, "looks blank");

        Plots.confusionMatrix(new ConfusionMatrix(3), List.of(), dir.resolve("unnamed.png"));
        assertTrue(decode(dir.resolve("unnamed.png")).getWidth() > 0);
        ConfusionMatrix many = new ConfusionMatrix(40).add(3, 4);
        Plots.confusionMatrix(many, List.of(), dir.resolve("many.png")); // cells too small for counts
        assertTrue(decode(dir.resolve("many.png")).getWidth() > 0);

        var e = assertThrows(IllegalArgumentException.class, () -> Plots.confusionMatrix(cm, List.of("a", "b"), png));
        assertTrue(e.getMessage().contains("2 class names for 10 classes"), e.getMessage());
    }

    private static BufferedImage decode(Path png) throws IOException {
        assertTrue(Files.size(png) > 0, png + " is empty");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not a decodable image");
        return image;
    }

    /** Distinct colours in the image (a failed render is one flat colour). */
    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
