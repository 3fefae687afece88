package org.jdnn.cli;

import org.jdnn.backend.Backends;
import org.jdnn.backend.DeviceCollectives;
import org.jdnn.tensor.Device;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DistributedDataParallel on GPUs through NCCL: 2 ranks under mpirun, each on its own GPU (ci/rank-gpu.sh), end a
 * few Adam steps with the parameters of 1 rank on the global batch, to float rounding (|2 ranks - 1 rank| <=
 * 1e-5 (1 + |1 rank|): the sum over ranks and the host's mean differ in rounding order). Skipped, with the reason,
 * without mpirun, CUDA, NCCL or a second GPU (NCCL refuses two ranks of one communicator on one GPU).
 */
@Tag("gpu")
class CudaDistributedTrainingTest {
    @Test
    void twoRanksOnTwoGpusEndWithTheParametersOfOneRankOnTheGlobalBatch(@TempDir Path dir) throws Exception {
        assumeTrue(MpiRun.mpirunOnPath(), "mpirun not found on the PATH: install openmpi-bin (ci/setup.sh)");
        Optional<String> cuda = Backends.unavailableReason(Backends.CUDA);
        assumeTrue(cuda.isEmpty(), () -> cuda.orElse(""));
        Optional<String> nccl = DeviceCollectives.forKind(Device.Kind.CUDA).map(c -> c.unavailableReason())
                .orElse(Optional.of("no collectives for cuda on the class path"));
        assumeTrue(nccl.isEmpty(), () -> "NCCL unavailable: " + nccl.orElse(""));
        int gpus = visibleGpus();
        assumeTrue(gpus >= 2, () -> "2 GPUs needed (one per rank), " + gpus + " visible");

        Path wrapper = MpiRun.repositoryFile("ci/rank-gpu.sh");
        Path one = dir.resolve("one.bin");
        Path two = dir.resolve("two.bin");
        MpiRun.Result single = MpiRun.run(1, wrapper, CudaDistributedWorker.class.getName(), "6", one.toString());
        assertEquals(0, single.exit(), single.output());
        MpiRun.Result pair = MpiRun.run(2, wrapper, CudaDistributedWorker.class.getName(), "6", two.toString());
        assertEquals(0, pair.exit(), pair.output());

        Map<String, float[]> expected = read(one);
        Map<String, float[]> actual = read(two);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, e) -> {
            float[] a = actual.get(name);
            assertEquals(e.length, a.length, name);
            for (int i = 0; i < e.length; i++) {
                double bound = 1e-5 * Math.max(1, Math.abs(e[i]));
                assertTrue(Math.abs(e[i] - a[i]) <= bound, name + "[" + i + "] of " + e.length + ": 1 rank " + e[i]
                        + ", 2 ranks " + a[i]);
            }
        });
    }

    /** The GPUs a rank could take: those of CUDA_VISIBLE_DEVICES, else those nvidia-smi lists. */
    private static int visibleGpus() throws IOException, InterruptedException {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        if (visible != null && !visible.isBlank()) {
            return visible.split(",").length;
        }
        try {
            Process smi = new ProcessBuilder("nvidia-smi", "--query-gpu=index", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            String out = new String(smi.getInputStream().readAllBytes());
            return smi.waitFor() == 0 ? (int) out.lines().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0; // no nvidia-smi
        }
    }

    private static Map<String, float[]> read(Path file) throws IOException {
        Map<String, float[]> parameters = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            while (in.available() > 0) {
                String name = in.readUTF();
                float[] values = new float[in.readInt()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = in.readFloat();
                }
                parameters.put(name, values);
            }
        }
        return parameters;
    }
}
