package org.jdnn.benchmarks.compare;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompareTableTest {
    private static final long MIB = 1 << 20;

    @Test
    void aResultLineRoundTrips() {
        Result r = new Result("jdnn", "lenet", 128, 50, 6.4, 3.2, 300 * MIB, 2);
        assertEquals(r, Result.parse(r.toLine()));
        assertEquals(20_000.0, r.trainImagesPerSecond(), 1e-9, "128 images in 6.4 ms");
        assertEquals(40_000.0, r.inferImagesPerSecond(), 1e-9, "128 images in 3.2 ms");
    }

    @Test
    void aTruncatedLineIsRefusedWithTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Result.parse("jdnn\tmlp"));
        assertTrue(e.getMessage().contains("got 2") && e.getMessage().contains("jdnn\tmlp"), e.getMessage());
    }

    @Test
    void theRatioIsJdnnThroughputOverPyTorchs() {
        String table = CompareTable.table(List.of(
                new Result("jdnn", "mlp", 128, 100, 2.0, 1.0, 200 * MIB, 2),
                new Result("pytorch", "mlp", 128, 100, 4.0, 0.5, 300 * MIB, 2)));
        String row = table.lines().filter(l -> l.startsWith("| mlp")).findFirst().orElseThrow();
        assertEquals("| mlp | 128 | 100 | 64,000 | 32,000 | 2.00x | 2.00 | 4.00 | 128,000 | 256,000 | 0.50x | 200 | 300 |",
                row, table);
    }

    @Test
    void eachTimeIsTheBestOfTheRunsAndTheMemoryTheHighest() {
        String table = CompareTable.table(List.of(
                new Result("jdnn", "lenet", 128, 50, 10.0, 4.0, 100 * MIB, 2),
                new Result("pytorch", "lenet", 128, 50, 16.0, 8.0, 100 * MIB, 2),
                new Result("jdnn", "lenet", 128, 50, 8.0, 5.0, 120 * MIB, 2),
                new Result("pytorch", "lenet", 128, 50, 20.0, 6.4, 100 * MIB, 2)));
        String row = table.lines().filter(l -> l.startsWith("| lenet")).findFirst().orElseThrow();
        assertEquals("| lenet | 128 | 50 | 16,000 | 8,000 | 2.00x | 8.00 | 16.00 | 32,000 | 20,000 | 1.60x | 120 | 100 |",
                row, table);
    }

    @Test
    void aBf16RunIsARowOfItsOwnBesideTheSamePyTorchRun() {
        String table = CompareTable.table(List.of(
                new Result("jdnn", "resnet18", 128, 5, 3000.0, 800.0, 1800 * MIB, 2),
                new Result("jdnn-bf16", "resnet18", 128, 5, 1500.0, 400.0, 1700 * MIB, 2),
                new Result("pytorch", "resnet18", 128, 5, 3600.0, 1000.0, 2000 * MIB, 2)));
        List<String> rows = table.lines().filter(l -> l.startsWith("| resnet18")).toList();
        assertEquals(List.of(
                "| resnet18 | 128 | 5 | 43 | 36 | 1.20x | 3,000.00 | 3,600.00 | 160 | 128 | 1.25x | 1,800 | 2,000 |",
                "| resnet18 (bf16) | 128 | 5 | 85 | 36 | 2.40x | 1,500.00 | 3,600.00 | 320 | 128 | 2.50x | 1,700 | 2,000 |"),
                rows, table);
    }

    @Test
    void aSideRejectsAPrecisionItDoesNotRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SideOptions.parse(new String[] {
                "--model", "mlp", "--threads", "2", "--out", "x.tsv", "--precision", "fp16"}));
        assertEquals("--precision: expected fp32 or bf16, got 'fp16'", e.getMessage());
    }

    @Test
    void aMissingSideShowsADash() {
        String table = CompareTable.table(List.of(new Result("jdnn", "unet", 16, 20, 100.0, 40.0, 500 * MIB, 2)));
        String row = table.lines().filter(l -> l.startsWith("| unet")).findFirst().orElseThrow();
        assertEquals("| unet | 16 | 20 | 160 | - | - | 100.00 | - | 400 | - | - | 500 | - |", row);
    }
}
