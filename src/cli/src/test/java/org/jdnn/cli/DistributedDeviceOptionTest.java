package org.jdnn.cli;

import org.jdnn.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code train --distributed --device D} on 2 ranks: where D cannot run every rank stops before reading data, with its
 * rank and the reason; on a device with collectives the model trains there. Skipped, with the reason, without mpirun
 * (and, for cuda, where a GPU is visible).
 */
class DistributedDeviceOptionTest {
    @Test
    void cudaWithoutAGpuStopsEveryRankWithTheBackendsReason(@TempDir Path dir) throws Exception {
        assumeTrue(MpiRun.mpirunOnPath(), "mpirun not found on the PATH: install openmpi-bin (ci/setup.sh)");
        assumeTrue(Backends.unavailableReason(Backends.CUDA).isPresent(), "a GPU is visible here");
        MpiRun.Result run = MpiRun.run(2, null, Main.class.getName(), "train", "--distributed", "--device", "cuda",
                "--data", SyntheticFashionMnist.write(dir.resolve("data"), 100, 30, 1).toString(), "--out", dir.resolve("run").toString());

        assertNotEquals(0, run.exit(), run.output());
        String reason = Backends.unavailableReason(Backends.CUDA).orElseThrow();
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(run.output().contains("--distributed --device cuda on rank " + rank + " of 2: " + reason),
                    "rank " + rank + ":\n" + run.output());
        }
    }

    /**
     * The CLI's device path end to end without a GPU: on {@code sim}, whose collectives here are the test ones of
     * jdnn-train (SimCollectives, over MPI), 2 ranks train and evaluate as with cuda and NCCL.
     */
    @Test
    void onTwoRanksTheModelOnADeviceTrainsThroughTheDevicesCollectives(@TempDir Path dir) throws Exception {
        assumeTrue(MpiRun.mpirunOnPath(), "mpirun not found on the PATH: install openmpi-bin (ci/setup.sh)");
        Path data = SyntheticFashionMnist.write(dir.resolve("data"), 300, 60, 1);
        MpiRun.Result run = MpiRun.run(2, null, Main.class.getName(), "train", "--distributed", "--device", "sim",
                "--data", data.toString(), "--out", dir.resolve("run").toString(), "--plain", "--threads", "1",
                "--model", "mlp", "--epochs", "2", "--batch-size", "32", "--validation", "50");

        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("sim collectives: rank 0 of 2 joined with rank 0's id")
                && run.output().contains("sim collectives: rank 1 of 2 joined with rank 0's id"), run.output());
        assertTrue(run.output().contains("distributed: 2 ranks, 16 samples per rank and step (global batch 32)"),
                run.output());
        assertTrue(run.output().contains("test accuracy "), run.output());
    }
}
