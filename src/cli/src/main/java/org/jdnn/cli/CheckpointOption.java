package org.jdnn.cli;

import org.jdnn.train.checkpoint.Checkpoint;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --checkpoint DIR} (alias {@code --out}) of eval and predict: a run directory or one of its checkpoints. */
final class CheckpointOption {
    @Option(names = {"--checkpoint", "--out"}, paramLabel = "DIR", defaultValue = "runs/lenet",
            description = "a run directory of jdnn train (its newest checkpoint is used) or one checkpoint directory, "
                    + "e.g. runs/lenet/checkpoints/epoch-0005 (default: ${DEFAULT-VALUE})")
    Path dir;

    void check(CommandSpec spec) {
        Checks.directory(spec, "--checkpoint", dir);
    }

    /** The checkpoint directory itself: {@code dir} when it holds a state.json, else the newest one under it. */
    Path checkpoint() throws IOException {
        return Files.isRegularFile(dir.resolve("state.json")) ? dir : Checkpoint.latest(dir);
    }

    /** The run directory the checkpoint belongs to (where train wrote its metrics and plots). */
    Path runDirectory() throws IOException {
        Path checkpoint = checkpoint().toAbsolutePath().normalize();
        Path parent = checkpoint.getParent();
        if (checkpoint.equals(dir.toAbsolutePath().normalize()) && parent != null
                && parent.getFileName() != null && parent.getFileName().toString().equals("checkpoints")
                && parent.getParent() != null) {
            return parent.getParent();
        }
        return dir;
    }
}
