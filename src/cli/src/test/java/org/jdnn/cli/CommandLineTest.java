package org.jdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jdnn command line in process: help, version, exit codes (0 done, 1 failed, 2 bad usage) and one-line error
 * messages that name the command, the option and the value. None of these runs a model.
 */
class CommandLineTest {
    /** What a command line printed and returned. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A usage error: exit code 2, nothing on stdout, exactly one line on stderr, which is returned. */
    static String usageError(String... args) {
        Result r = run(args);
        assertEquals(Main.USAGE, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(1, r.err().lines().count(), "one line expected: " + r);
        return r.err().strip();
    }

    @ParameterizedTest(name = "{0} --help")
    @CsvSource({"train, --label-smoothing", "search, --prune-after", "eval, --checkpoint", "predict, --top",
            "info, --version", "demo, --help", "playground, --port"})
    void everyCommandHasHelp(String command, String anOption) {
        Result r = run(command, "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("Usage: jdnn " + command), r.out());
        assertTrue(r.out().contains(anOption), r.out());
        assertEquals("", r.err());
    }

    @Test
    void topLevelHelpListsTheCommandsAndExitCodes() {
        Result r = run("--help");
        assertEquals(0, r.code(), r.toString());
        for (String command : new String[] {"train", "search", "eval", "predict", "info", "demo", "playground"}) {
            assertTrue(r.out().contains("  " + command + " "), command + " missing from: " + r.out());
        }
        assertTrue(r.out().contains("Exit codes: 0 done, 1 failed while running, 2 bad usage"), r.out());
    }

    @Test
    void versionNamesJdnnAndJava() {
        for (String[] args : new String[][] {{"--version"}, {"train", "--version"}}) {
            Result r = run(args);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("jdnn " + Version.jdnn() + "\nJava " + Runtime.version()), r.out());
        }
        assertFalse(Version.jdnn().equals("unknown") || Version.jdnn().contains("${"), Version.jdnn());
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() {
        assertEquals("jdnn: missing command: train, search, eval, predict, info, demo, playground (see jdnn --help)",
                usageError());
        assertEquals("jdnn: unknown command 'fit', expected one of train, search, eval, predict, info, demo, playground "
                        + "(see jdnn --help)",
                usageError("fit"));
    }

    @Test
    void playgroundChecksItsOptionsBeforeServing() {
        assertEquals("jdnn playground: --port must be from 0 to 65535, got 70000 (see jdnn playground --help)",
                usageError("playground", "--port", "70000"));
        assertEquals("jdnn playground: --port must be from 0 to 65535, got -1 (see jdnn playground --help)",
                usageError("playground", "--port", "-1"));
        assertTrue(usageError("playground", "--backend", "tpu").startsWith(
                "jdnn playground: --backend: unknown 'tpu', expected one of"));
    }

    @Test
    void aMisspeltOptionGetsASuggestion() {
        assertEquals("jdnn train: unknown option '--epoch'; did you mean --epochs? (see jdnn train --help)",
                usageError("train", "--epoch", "3"));
    }

    @ParameterizedTest(name = "train {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--epochs | -1 | --epochs must be >= 1, got -1",
            "--epochs | 0 | --epochs must be >= 1, got 0",
            "--epochs | 4294967297 | Invalid value for option '--epochs': '4294967297' is not an int",
            "--epochs | five | Invalid value for option '--epochs': 'five' is not an int",
            "--batch-size | 0 | --batch-size must be >= 1, got 0",
            "--lr | 0 | --lr must be > 0, got 0.0",
            "--lr | NaN | --lr must be > 0, got NaN",
            "--weight-decay | -0.1 | --weight-decay must be >= 0, got -0.1",
            "--label-smoothing | 1.5 | --label-smoothing must be from 0 to 1, got 1.5",
            "--validation | -5 | --validation must be >= 0, got -5",
            "--patience | -1 | --patience must be >= 0, got -1",
            "--clip | -1 | --clip must be >= 0, got -1.0",
            "--limit | -1 | --limit must be >= 0, got -1",
            "--threads | 100000 | --threads must be from 1 to",
            "--threads | -2 | --threads must be from 1 to",
            "--model | resnet | --model: unknown 'resnet', expected one of mlp, lenet, cnn",
            "--optimizer | lion | --optimizer: unknown 'lion', expected one of sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad",
            "--schedule | linear | --schedule: unknown 'linear', expected one of none, step, cosine, warmup-cosine, restarts, plateau",
            "--backend | tpu | --backend: unknown 'tpu', expected one of",
            "--data | /nonexistent/fashion | --data: /nonexistent/fashion does not exist"})
    void aBadTrainOptionIsOneLineNamingOptionAndValue(String option, String value, String message) {
        String line = usageError("train", option, value);
        assertTrue(line.startsWith("jdnn train: " + message), line);
        assertTrue(line.endsWith("(see jdnn train --help)"), line);
    }

    @Test
    void aMissingValueIsAUsageError() {
        assertTrue(usageError("train", "--epochs").startsWith("jdnn train: Missing required parameter for option '--epochs'"));
    }

    @Test
    void optionsParseIntoTheRunSettings() {
        TrainOptions o = TrainOptions.parse(java.util.List.of("--model", "cnn", "--optimizer", "sgd", "--epochs", "2",
                "--threads", "2", "--label-smoothing", "0"));
        assertEquals("cnn", o.model());
        assertEquals(2, o.epochs());
        assertEquals(0.05, o.lr(), 0, "sgd's default learning rate");
        assertEquals(0, o.labelSmoothing());
        assertEquals(Path.of("runs", "cnn"), o.out());
        assertEquals(2, o.threads());
        TrainOptions defaults = TrainOptions.parse(java.util.List.of());
        assertEquals(1e-3, defaults.lr(), 0, "adam's default learning rate");
        assertEquals(TrainOptions.DEFAULT_LABEL_SMOOTHING, defaults.labelSmoothing());
        assertEquals(5, defaults.epochs());
    }

    @Test
    void evalAndPredictCheckTheirFilesFirst(@TempDir Path dir) throws Exception {
        assertEquals("jdnn eval: --checkpoint: " + dir.resolve("none") + " does not exist (see jdnn eval --help)",
                usageError("eval", "--checkpoint", dir.resolve("none").toString()));
        assertEquals("jdnn predict: IMAGE: " + dir.resolve("shoe.png") + " does not exist (see jdnn predict --help)",
                usageError("predict", "--checkpoint", dir.toString(), dir.resolve("shoe.png").toString()));
        assertTrue(usageError("predict", "--checkpoint", dir.toString()).startsWith(
                "jdnn predict: Missing required parameter: 'IMAGE'"));
        Path image = Files.writeString(dir.resolve("x.png"), "not really");
        assertTrue(usageError("predict", "--checkpoint", dir.toString(), "--top", "11", image.toString())
                .startsWith("jdnn predict: --top must be from 1 to 10, got 11"));
        assertTrue(usageError("predict", "--checkpoint", dir.toString(), "--invert", "maybe", image.toString())
                .startsWith("jdnn predict: --invert: unknown 'maybe', expected one of auto, yes, no"));
    }

    @Test
    void aFailureWhileRunningIsOneLineWithExitCode1AndNoStackTrace(@TempDir Path dir) {
        Result r = run("eval", "--checkpoint", dir.toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().startsWith("jdnn eval: " + dir.resolve("checkpoints").resolve("latest")
                + ": no checkpoint to resume from in " + dir), r.toString());
    }

    @Test
    void debugAddsTheStackTrace(@TempDir Path dir) {
        Result r = run("eval", "--debug", "--checkpoint", dir.toString());
        assertEquals(Main.FAILED, r.code(), r.toString());
        assertTrue(r.err().lines().count() > 3 && r.err().contains("\tat org.jdnn."), r.toString());
    }

    @Test
    void aUsageErrorIsReportedBeforeAnyNativeCodeOrBackendLoads() throws Exception {
        // a fresh JVM, as the launcher starts one: which classes a bad option makes it load
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-verbose:class", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--epochs", "-1").redirectErrorStream(false).start();
        String loaded = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(Main.USAGE, p.waitFor(), err);
        assertEquals("jdnn train: --epochs must be >= 1, got -1 (see jdnn train --help)", err.strip());
        assertTrue(loaded.contains("org.jdnn.cli.TrainCommand"), "the class-loading log is there");
        for (String pkg : new String[] {"org.jdnn.natives.", "org.jdnn.backend.", "org.jdnn.tensor.", "org.jdnn.data."}) {
            assertFalse(loaded.contains(pkg), pkg + " loaded: "
                    + loaded.lines().filter(l -> l.contains(pkg)).findFirst().orElse(""));
        }
    }
}
