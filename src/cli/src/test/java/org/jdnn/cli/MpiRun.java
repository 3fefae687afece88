package org.jdnn.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts a main class of this JVM's class path on N ranks under mpirun, for the distributed tests of the CLI. */
final class MpiRun {
    private static final long LIMIT_SECONDS = 300;

    record Result(int exit, String output) {
    }

    private MpiRun() {
    }

    static boolean mpirunOnPath() {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "mpirun")));
    }

    /**
     * Runs {@code mainClass args} on {@code ranks} ranks, each through {@code wrapper} when not null (a script that
     * execs its arguments, such as ci/rank-gpu.sh); kills the job past the limit.
     */
    static Result run(int ranks, Path wrapper, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mpirun", "-np", Integer.toString(ranks), "--oversubscribe",
                "--mca", "btl_vader_single_copy_mechanism", "none"));
        if (wrapper != null) {
            command.add(wrapper.toString());
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Open MPI refuses to start as root without these (CI containers run as root).
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        builder.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        Path log = Files.createTempFile("mpirun", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        boolean ended = process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(ended, "mpirun " + String.join(" ", args) + " did not end within " + LIMIT_SECONDS + " s:\n" + output);
        return new Result(process.exitValue(), output);
    }

    /** A file of the repository (the tests run in src/cli). */
    static Path repositoryFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
