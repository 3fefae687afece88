package org.jdnn.cli;

import org.jdnn.backend.Backends;
import org.jdnn.train.Evaluation;
import org.jdnn.train.checkpoint.Checkpoint;
import org.jdnn.train.report.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code train --precision bf16}: LeNet trained one epoch on 1,200 synthetic Fashion-MNIST-like images reaches the
 * float32 run's test accuracy within 3 points (300 test images: one image is a third of a point, and the two runs'
 * weights part ways after the first step) with a training loss that differs from fp32's (so bf16 was in effect) by
 * under 5%, and its checkpoint holds float32 weights.
 */
class Bf16TrainingTest {
    private static Evaluation train(Path data, Path out, String precision, PrintStream log) throws Exception {
        return new Training(log).train(TrainOptions.parse(List.of("--data", data.toString(), "--out", out.toString(),
                "--plain", "--validation", "100", "--seed", "7", "--model", "lenet", "--backend", "onednn",
                "--epochs", "1", "--batch-size", "32", "--precision", precision)));
    }

    @Test
    void lenetInBf16LearnsAsWellAsInFp32(@TempDir Path dir) throws Exception {
        assumeTrue(Backends.unavailableReason(Backends.ONEDNN).isEmpty(), "oneDNN is not available");
        assumeTrue(Backends.get(Backends.ONEDNN).runsBf16(), "this CPU lacks AVX-512-BF16/AMX: bf16 would run fp32");
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 1200, 300, 1);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Evaluation fp32 = train(data, dir.resolve("fp32"), "fp32", quiet);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluation bf16 = train(data, dir.resolve("bf16"), "bf16", new PrintStream(log, true, StandardCharsets.UTF_8));

        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("precision: bf16 convolutions and matmuls"), printed);
        assertTrue(fp32.accuracy() > 0.6, "fp32 test accuracy " + fp32.accuracy());
        assertEquals(fp32.accuracy(), bf16.accuracy(), 0.03, "bf16 test accuracy " + bf16.accuracy() + " vs fp32 "
                + fp32.accuracy());
        // bf16 really ran: the training losses differ, by far less than they fell.
        double lossFp32 = History.readJson(dir.resolve("fp32").resolve("metrics.json")).last().trainLoss();
        double lossBf16 = History.readJson(dir.resolve("bf16").resolve("metrics.json")).last().trainLoss();
        System.out.printf("lenet, 1 epoch, 1100 synthetic images: test accuracy fp32 %.4f, bf16 %.4f; training loss"
                + " fp32 %.5f, bf16 %.5f%n", fp32.accuracy(), bf16.accuracy(), lossFp32, lossBf16);
        assertNotEquals(lossFp32, lossBf16, "bf16 and fp32 training losses are identical: was bf16 in effect?");
        assertEquals(lossFp32, lossBf16, 0.05 * lossFp32, "training loss bf16 " + lossBf16 + " vs fp32 " + lossFp32);
        Path checkpoint = Checkpoint.latest(dir.resolve("bf16"));
        String header = java.nio.file.Files.readString(checkpoint.resolve("model.safetensors"),
                StandardCharsets.ISO_8859_1).substring(0, 400);
        assertTrue(header.contains("\"F32\"") && !header.contains("BF16"), "checkpoint header: " + header);

        // eval --precision: the same checkpoint in bf16 gives the training run's own test result, in fp32 a close one.
        Training evaluator = new Training(quiet);
        Evaluation evalBf16 = evaluator.evaluate(checkpoint, dir.resolve("bf16"), data, null, 0, "bf16");
        Evaluation evalFp32 = evaluator.evaluate(checkpoint, dir.resolve("bf16"), data, null, 0, "fp32");
        assertEquals(bf16.loss(), evalBf16.loss(), 1e-6 * bf16.loss(), "eval --precision bf16 vs the run's test loss");
        assertNotEquals(evalBf16.loss(), evalFp32.loss(), "eval in bf16 and fp32 gave the same loss: bf16 not in effect?");
        assertEquals(evalBf16.accuracy(), evalFp32.accuracy(), 0.03, "eval accuracy bf16 vs fp32");
    }

    @Test
    void precisionIsFp32OrBf16() {
        assertEquals("fp32", TrainOptions.parse(List.of()).precision());
        assertEquals("bf16", TrainOptions.parse(List.of("--precision", "bf16")).precision());
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.parse(List.of("--precision", "fp16")));
        assertTrue(e.getMessage().contains("--precision") && e.getMessage().contains("fp16"), e.getMessage());
    }
}
