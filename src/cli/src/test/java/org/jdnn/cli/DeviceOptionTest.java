package org.jdnn.cli;

import org.jdnn.backend.BackendUnavailableException;
import org.jdnn.backend.Backends;
import org.jdnn.tensor.Transfers;
import org.jdnn.train.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code train --device}: where the model trains, checked when parsed, and the backend's reason when it cannot run. */
class DeviceOptionTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static TrainOptions options(Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--out", out.toString(), "--plain",
                "--seed", "7", "--model", "mlp", "--epochs", "1", "--batch-size", "32"));
        args.addAll(List.of(extra));
        return TrainOptions.parse(args);
    }

    @Test
    void theDeviceIsTheCpuUnlessGivenAndTakesPyTorchsNames() {
        assertEquals("cpu", TrainOptions.parse(List.of()).device());
        assertEquals("sim", TrainOptions.parse(List.of("--device", "sim")).device());
        assertEquals("cuda:1", TrainOptions.parse(List.of("--device", "cuda:1")).device());
    }

    @Test
    void anUnknownDeviceIsAUsageErrorNamingTheOptionAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.parse(List.of("--device", "gpu0")));
        assertEquals("--device: 'gpu0' is not cpu, sim, cuda or cuda:N", e.getMessage());
    }

    @Test
    void onTheSimulatedDeviceTheModelTrainsAsOnTheCpu(@TempDir Path dir) throws Exception {
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 1000, 300, 1);
        Transfers.Counts before = Transfers.counts();
        Evaluation result = new Training(QUIET).train(options(data, dir.resolve("run"), "--device", "sim"));
        Transfers.Counts made = Transfers.counts().since(before);
        assertTrue(result.accuracy() > 0.6, "mlp on sim: test accuracy " + result.accuracy() + " (chance 0.1)");
        assertTrue(made.hostToDevice() > 0 && made.deviceToHost() > 0, "the batches went to sim: " + made);
    }

    @Test
    void cudaWithoutAGpuStopsWithTheBackendsReason(@TempDir Path dir) throws Exception {
        assumeTrue(Backends.unavailableReason(Backends.CUDA).isPresent(), "a GPU is visible here");
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 100, 30, 1);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new Training(QUIET).train(options(data, dir.resolve("run"), "--device", "cuda")));
        assertTrue(e.getMessage().startsWith("cuda unavailable: "), e.getMessage());
        assertEquals(Backends.unavailableReason(Backends.CUDA).orElseThrow(), e.getMessage());
    }
}
