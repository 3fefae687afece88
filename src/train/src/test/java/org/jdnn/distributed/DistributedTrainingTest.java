package org.jdnn.distributed;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Data-parallel training end to end: {@link DistributedWorker} started by {@code mpirun} (2 ranks on the 2-core CI
 * machine with --oversubscribe, one native thread each). Skipped, with the reason, where mpirun or libmpi is missing.
 */
class DistributedTrainingTest {
    private static final long RUN_LIMIT_SECONDS = 180;

    @BeforeAll
    static void mpiPresent() {
        assumeTrue(onPath("mpirun"), "mpirun not found on the PATH: install openmpi-bin (ci/setup.sh)");
        String reason = ProcessGroup.unavailableReason().orElse(null);
        assumeTrue(reason == null, () -> "MPI unavailable: " + reason);
    }

    @Test
    void twoRanksEndWithTheParametersOfOneRankOnTheGlobalBatch(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one.bin");
        Path two = dir.resolve("two.bin");
        Run single = mpirun(1, List.of(), "train", "6", one.toString());
        assertEquals(0, single.exit(), single.output());
        Run pair = mpirun(2, List.of(), "train", "6", two.toString());
        assertEquals(0, pair.exit(), pair.output());

        assertSameParameters(read(one), read(two), 1e-6);
    }

    @Test
    void twoRanksOnADeviceEndWithTheParametersOfOneRankOnTheGlobalBatch(@TempDir Path dir) throws Exception {
        // The device path (broadcasts and bucket all-reduces through the device's collectives, flat buffers packed,
        // averaged and unpacked on the device) on the sim device, whose collectives go over MPI (SimCollectives).
        Path one = dir.resolve("one.bin");
        Path two = dir.resolve("two.bin");
        Run single = mpirun(1, List.of(), "train", "6", one.toString());
        assertEquals(0, single.exit(), single.output());
        Run pair = mpirun(2, List.of(), "train", "6", two.toString(), "--device", "sim");
        assertEquals(0, pair.exit(), pair.output());

        assertTrue(pair.output().contains("sim collectives: rank 1 of 2 joined with rank 0's id"), pair.output());
        assertSameParameters(read(one), read(two), 1e-6);
    }

    @Test
    void gradientsAccumulatedUnderNoSyncAreAveragedOnceAndEqualTheGlobalBatch(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one.bin");
        Path accumulated = dir.resolve("accumulated.bin");
        Run single = mpirun(1, List.of(), "train", "6", one.toString());
        assertEquals(0, single.exit(), single.output());
        Run pair = mpirun(2, List.of(), "train-accumulate", "6", accumulated.toString());
        assertEquals(0, pair.exit(), pair.output());

        assertSameParameters(read(one), read(accumulated), 1e-6);
    }

    @Test
    void withSyncBatchNormTwoRanksEndAsOneRankOnTheGlobalBatchAndWithoutItTheyDoNot(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one.bin");
        Run single = mpirun(1, List.of(), "train-bn", "6", one.toString());
        assertEquals(0, single.exit(), single.output());
        Path synced = dir.resolve("synced.bin");
        Run pair = mpirun(2, List.of(), "train-syncbn", "6", synced.toString());
        assertEquals(0, pair.exit(), pair.output());
        Path perRank = dir.resolve("per-rank.bin");
        Run unsynced = mpirun(2, List.of(), "train-bn", "6", perRank.toString());
        assertEquals(0, unsynced.exit(), unsynced.output());

        assertSameParameters(read(one), read(synced), 1e-5);
        assertThrows(AssertionError.class, () -> assertSameParameters(read(one), read(perRank), 1e-5),
                "per-rank batch statistics (4 samples each) differ from the global batch's");
    }

    @Test
    void checkpointFromTwoRanksResumesOnOne(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight.bin");
        Path resumed = dir.resolve("resumed.bin");
        Path checkpoints = dir.resolve("run");
        Run single = mpirun(1, List.of(), "train", "6", straight.toString());
        assertEquals(0, single.exit(), single.output());
        Run pair = mpirun(2, List.of(), "train", "3", dir.resolve("half.bin").toString(), "--save", checkpoints.toString());
        assertEquals(0, pair.exit(), pair.output());
        Run rest = mpirun(1, List.of(), "train", "6", resumed.toString(), "--resume", checkpoints.toString());
        assertEquals(0, rest.exit(), rest.output());

        assertSameParameters(read(straight), read(resumed), 1e-6);
    }

    @Test
    void aHungRankEndsTheOthersWithATimeoutError() throws Exception {
        long start = System.nanoTime();
        Run run = mpirun(2, List.of("-Djdnn.distributed.timeout=3"), "hang");
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(ProcessGroup.TIMEOUT_EXIT_CODE, run.exit(), run.output());
        assertTrue(run.output().contains("MPI_Iallreduce(sum, 4 floats) on rank 0 of 2 did not complete within 3.0 s"),
                run.output());
        assertTrue(seconds < 90, "took " + seconds + " s");
    }

    @Test
    void aHungRankEndsTheOthersWithTheDeviceCollectivesTimeoutError() throws Exception {
        Run run = mpirun(2, List.of("-Djdnn.distributed.timeout=3"), "hang-sim");

        assertEquals(ProcessGroup.TIMEOUT_EXIT_CODE, run.exit(), run.output());
        assertTrue(run.output().contains("jdnn distributed: sim all-reduce of 4 floats on rank 0 of 2 did not complete"
                + " within 3 s; ending all ranks (MPI_Abort)"), run.output());
    }

    @Test
    void aKilledRankEndsTheOthers() throws Exception {
        Run run = mpirun(2, List.of("-Djdnn.distributed.timeout=30"), "kill");

        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("rank 1") && run.output().contains("signal 9"), run.output());
    }

    @Test
    void aParameterWithoutGradientIsNamedInsteadOfHanging() throws Exception {
        Run run = mpirun(2, List.of("-Djdnn.distributed.timeout=30"), "unused");

        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("reported: DistributedDataParallel: parameters [unused.bias, unused.weight] got no"
                + " gradient in the last backward pass"), run.output());
    }

    @Test
    void twoRanksEvaluateTheirSharesAndSumToRankZerosEvaluationOfTheWholeSet() throws Exception {
        Run run = mpirun(2, List.of("-Djdnn.distributed.timeout=60"), "evaluate");
        assertEquals(0, run.exit(), run.output());
        Matcher whole = EVALUATION.matcher(line(run.output(), "whole:"));
        Matcher sharded = EVALUATION.matcher(line(run.output(), "sharded:"));
        assertTrue(whole.find() && sharded.find(), run.output());
        assertEquals(whole.group(4), sharded.group(4), "confusion counts\n" + run.output());
        assertEquals("103", sharded.group(3), run.output());
        assertEquals(Double.parseDouble(whole.group(2)), Double.parseDouble(sharded.group(2)), 0, run.output());
        assertEquals(Double.parseDouble(whole.group(1)), Double.parseDouble(sharded.group(1)), 1e-6, run.output());
    }

    private static final Pattern EVALUATION = Pattern.compile(
            "loss (\\S+) accuracy (\\S+) samples (\\d+) counts (.*)$");

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in\n" + output));
    }

    // ---- helpers ----

    private record Run(int exit, String output) {
    }

    /** Runs DistributedWorker on {@code ranks} ranks with this JVM's class path; kills it past the limit. */
    private static Run mpirun(int ranks, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mpirun", "-np", Integer.toString(ranks), "--oversubscribe",
                "--mca", "btl_vader_single_copy_mechanism", "none",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(DistributedWorker.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Open MPI refuses to start as root without these (CI containers run as root).
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        builder.environment().put("OMP_NUM_THREADS", "1");
        Path log = Files.createTempFile("mpirun", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        boolean ended = process.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(ended, "mpirun " + String.join(" ", args) + " did not end within " + RUN_LIMIT_SECONDS + " s:\n" + output);
        return new Run(process.exitValue(), output);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
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

    private static void assertSameParameters(Map<String, float[]> expected, Map<String, float[]> actual, double tolerance) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, e) -> {
            float[] a = actual.get(name);
            assertEquals(e.length, a.length, name);
            for (int i = 0; i < e.length; i++) {
                double bound = tolerance * Math.max(1, Math.abs(e[i]));
                assertTrue(Math.abs(e[i] - a[i]) <= bound, name + "[" + i + "] of " + e.length + ": 1 rank " + e[i]
                        + ", 2 ranks " + a[i]);
            }
        });
    }
}
