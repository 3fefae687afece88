package org.jdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --grad-health N}: the gradient norms of every N-th step land in grad-norms.csv and grad-norms.png. */
class GradHealthOptionTest {

    @Test
    void everyTenthStepsNormsAreWrittenPerLayer(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 600, 100, 4);
        Path out = dir.resolve("run");
        new Training(new PrintStream(new ByteArrayOutputStream())).train(TrainOptions.parse(List.of("--data",
                data.toString(), "--out", out.toString(), "--plain", "--validation", "100", "--seed", "7", "--model",
                "mlp", "--epochs", "1", "--batch-size", "50", "--grad-health", "4")));

        List<String> lines = Files.readAllLines(out.resolve("grad-norms.csv"));
        assertEquals("step,layer,grad_norm,weight_norm", lines.getFirst());
        List<String> steps = lines.stream().skip(1).map(l -> l.split(",")[0]).distinct().toList();
        assertEquals(List.of("4", "8"), steps, "500 images in batches of 50 give 10 steps: " + lines);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertEquals(4, cells.length, line);
            assertTrue(Double.parseDouble(cells[2]) > 0 && Double.parseDouble(cells[3]) > 0, line);
        }
        assertTrue(Files.size(out.resolve("grad-norms.png")) > 0, "grad-norms.png");
    }

    @Test
    void aNegativeIntervalIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.parse(List.of("--grad-health", "-1")));
        assertTrue(e.getMessage().contains("--grad-health") && e.getMessage().contains("-1"), e.getMessage());
        assertEquals(0, TrainOptions.parse(List.of()).gradHealth(), "off by default");
    }
}
