package org.jdnn.train.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** search.csv and search.png. */
class SearchResultsTest {
    private static Point point(double lr, double batch, String schedule) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("lr", lr);
        values.put("batch_size", batch);
        values.put("schedule", schedule);
        return new Point(values);
    }

    private static final List<Trial> TRIALS = List.of(
            new Trial(1, point(0.1523, 128, "none"), List.of(0.8, 0.8413), Trial.Status.COMPLETED, ""),
            new Trial(2, point(1e-4, 64, "cosine"), List.of(0.3), Trial.Status.PRUNED,
                    "validation accuracy 30.00% after epoch 1 is below the median 80.00% of 5 completed trials"),
            new Trial(3, point(0.9, 256, "step"), List.of(), Trial.Status.FAILED,
                    "training diverged: loss is NaN at epoch 1, batch 3 of 75 (learning rate 0.9); try \"--clip\""));

    @Test
    void theCsvHasARowPerTrialWithItsSettingsStatusAndAccuracies() {
        assertEquals("""
                trial,lr,batch_size,schedule,status,epochs,validation_accuracy,validation_accuracy_1,validation_accuracy_2,reason
                1,0.1523,128,none,completed,2,0.8413,0.8,0.8413,
                2,1.0E-4,64,cosine,pruned,1,0.3,0.3,,validation accuracy 30.00% after epoch 1 is below the median 80.00% of 5 completed trials
                3,0.9,256,step,failed,0,,,,"training diverged: loss is NaN at epoch 1, batch 3 of 75 (learning rate 0.9); try ""--clip\"\""
                """, SearchResults.toCsv(TRIALS));
    }

    @Test
    void thePlotIsAPngOfTheCurveSize(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("search.png");
        SearchResults.writePlot(TRIALS, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a PNG");
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
        SearchResults.writeCsv(TRIALS, dir.resolve("search.csv"));
        assertEquals(4, Files.readAllLines(dir.resolve("search.csv")).size());
    }
}
