package org.jdnn.cli;

import org.jdnn.train.report.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jdnn search} end to end on a small synthetic data set, and its option checks. */
class SearchCommandTest {

    @Test
    void aSmallSearchPrunesTheSlowTrialsAndReportsTheBestWithItsTestAccuracy(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 1200, 300, 3);
        Path out = dir.resolve("search");
        // Five useful learning rates complete first; the two tiny ones are behind their median after epoch 1.
        CommandLineTest.Result r = CommandLineTest.run("search", "--data", data.toString(), "--out", out.toString(),
                "--plain", "--model", "mlp", "--optimizer", "sgd", "--strategy", "grid", "--trials", "7",
                "--epochs", "2", "--lr", "0.3,0.2,0.1,0.05,0.03,1e-4,2e-4", "--batch-size", "32",
                "--validation", "200", "--seed", "5");
        assertEquals(0, r.code(), r.toString());

        List<String> csv = Files.readAllLines(out.resolve("search.csv"));
        assertEquals("trial,lr,batch_size,weight_decay,schedule,status,epochs,validation_accuracy,"
                + "validation_accuracy_1,validation_accuracy_2,reason", csv.getFirst());
        assertEquals(8, csv.size(), String.join("\n", csv));
        for (int trial = 1; trial <= 7; trial++) {
            String row = csv.get(trial);
            String status = trial <= 5 ? "completed,2," : "pruned,1,";
            assertTrue(row.startsWith(trial + ",") && row.contains(",32,0,none," + status), "trial " + trial + ": " + row);
        }
        assertTrue(csv.get(6).startsWith("6,1.0E-4,"), csv.get(6));
        assertTrue(csv.get(6).contains(",validation accuracy ") && csv.get(6).endsWith(
                " after epoch 1 is below the median " + csv.get(6).replaceAll(".* the median ", "")), csv.get(6));
        assertTrue(csv.get(6).endsWith("% of 5 completed trials"), csv.get(6));

        // Trials are scored on validation only: no trial has a test confusion matrix; the final run has.
        for (int trial = 1; trial <= 7; trial++) {
            Path run = out.resolve(String.format("trial-%02d", trial));
            assertTrue(Files.exists(run.resolve("metrics.csv")), run + " missing");
            assertFalse(Files.exists(run.resolve("confusion.png")), run + " evaluated the test split");
        }
        assertTrue(Files.size(out.resolve("best/confusion.png")) > 0);
        assertTrue(Files.size(out.resolve("search.png")) > 0);

        Matcher best = Pattern.compile("best: trial (\\d) \\(lr=([0-9.]+), .*validation accuracy ([0-9.]+)%")
                .matcher(r.out());
        assertTrue(best.find(), r.out());
        int number = Integer.parseInt(best.group(1));
        assertTrue(number <= 5, "best trial " + number);
        String bestRow = csv.get(number);
        double bestScore = Double.parseDouble(bestRow.split(",")[7]);
        for (int trial = 1; trial <= 5; trial++) {
            double score = Double.parseDouble(csv.get(trial).split(",")[7]);
            assertTrue(score <= bestScore, "trial " + trial + " scored " + score + " > best " + bestScore);
        }
        assertTrue(bestScore > 0.6, "best validation accuracy " + bestScore + " (chance 0.1)");

        // The final run repeats the best trial (same seed and split) and then meets the test split once.
        double again = History.readJson(out.resolve("best/metrics.json")).last().validationAccuracy();
        assertEquals(bestScore, again, 0, "the best setting trained once more");
        Matcher summary = Pattern.compile("best setting: --model mlp --optimizer sgd --lr " + Pattern.quote(
                bestRow.split(",")[1]) + " --batch-size 32 --weight-decay 0.0 --schedule none --epochs 2 --seed 5 "
                + "--validation 200: validation accuracy [0-9.]+%, test accuracy ([0-9.]+)%").matcher(r.out());
        assertTrue(summary.find(), r.out());
        assertTrue(Double.parseDouble(summary.group(1)) > 60, "test accuracy " + summary.group(1) + "%");
        assertEquals(1, r.out().lines().filter(l -> l.startsWith("test accuracy")).count(), r.out());
    }

    @ParameterizedTest(name = "search {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--lr | 0:1 | --lr: '0' in '0:1' is not a number > 0",
            "--weight-decay | 0:1e-3 | --weight-decay: a log range must start above 0, got '0:1e-3' (use "
                    + "LOW:HIGH:uniform or a list to include 0)",
            "--lr | 1:0.1 | --lr: the range '1:0.1' ends below its start",
            "--lr | 0.1,fast | --lr: 'fast' in '0.1,fast' is not a number > 0",
            "--lr | 1e-3:1:cubic | --lr: '1e-3:1:cubic' is not LOW:HIGH, LOW:HIGH:uniform or a list such as 0.01,0.1",
            "--weight-decay | -1e-4 | --weight-decay: '-1e-4' in '-1e-4' is not a number >= 0",
            "--batch-size | 64,0 | --batch-size takes a list of whole numbers >= 1 such as 64,128,256, got '64,0'",
            "--batch-size | 32:256 | --batch-size takes a list of whole numbers >= 1 such as 64,128,256, got '32:256'",
            "--schedule | none,linear | --schedule: unknown 'linear', expected one of none, step, cosine",
            "--strategy | bayes | --strategy: unknown 'bayes', expected one of random, grid",
            "--trials | 0 | --trials must be >= 1, got 0",
            "--epochs | 0 | --epochs must be >= 1, got 0",
            "--validation | 0 | --validation must be >= 1, got 0",
            "--prune-after | -1 | --prune-after must be >= 0, got -1",
            "--label-smoothing | 2 | --label-smoothing must be from 0 to 1, got 2.0",
            "--model | vgg | --model: unknown 'vgg', expected one of mlp, lenet, cnn",
            "--optimizer | lion | --optimizer: unknown 'lion', expected one of sgd",
            "--data | /nonexistent/fashion | --data: /nonexistent/fashion does not exist"})
    void aBadOptionIsOneLineNamingOptionAndValue(String option, String value, String message) {
        String line = CommandLineTest.usageError("search", option, value);
        assertTrue(line.startsWith("jdnn search: " + message), line);
        assertTrue(line.endsWith("(see jdnn search --help)"), line);
    }

    @Test
    void aGridNeedsATrialForEveryCombinationOfTheChoices() {
        assertEquals("jdnn search: --trials 4 is too few for --strategy grid: a grid over these choices has 6 points, "
                + "more than 4 trials (see jdnn search --help)", CommandLineTest.usageError("search", "--strategy",
                "grid", "--trials", "4", "--batch-size", "64,128,256", "--schedule", "none,cosine"));
    }

    @Test
    void theSearchIsPlannedBeforeAnyNativeCodeOrDataLoads() throws Exception {
        // a fresh JVM, as the launcher starts one; the grid check comes last, after train's options and the space
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-verbose:class", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "search", "--strategy", "grid", "--trials", "2", "--batch-size", "64,128,256")
                .start();
        String loaded = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(Main.USAGE, p.waitFor(), err);
        assertTrue(err.startsWith("jdnn search: --trials 2 is too few for --strategy grid"), err);
        assertTrue(loaded.contains("org.jdnn.train.search.GridSampler"), "the class-loading log is there");
        for (String pkg : new String[] {"org.jdnn.natives.", "org.jdnn.backend.", "org.jdnn.tensor.", "org.jdnn.data."}) {
            assertFalse(loaded.contains(pkg), pkg + " loaded: "
                    + loaded.lines().filter(l -> l.contains(pkg)).findFirst().orElse(""));
        }
    }
}
