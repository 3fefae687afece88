package org.jdnn.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lecture examples under examples/ (and the PyTorch port) run as a user runs them: {@code java examples/NAME.java} with jdnn on the class
 * path (what examples/run.sh does after the build). Each checks its numbers against the hand derivation and exits
 * non-zero when they differ.
 */
class LectureExamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"TwoTwoOneNetwork", "SingleNeuron", "Perceptron", "AdamFirstStep", "AdamWVersusL2",
        "PyTorchPort"})
    void runsAndMatchesItsHandDerivation(String name) throws IOException, InterruptedException {
        Path source = Path.of(System.getProperty("jdnn.repository", "."), "examples", name + ".java");
        assertTrue(Files.isRegularFile(source), source + " exists");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), source.toString()))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), name + " finished");
        assertEquals(0, process.exitValue(), name + " output:\n" + output);
        assertTrue(output.contains(": as expected"), name + " output:\n" + output);
    }
}
