package org.jdnn.train.checkpoint;

import org.jdnn.tensor.Tensor;
import org.jdnn.train.io.AtomicFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Run in a child JVM by {@link InterruptedSaveTest}: starts saving epoch 3 under {@code args[0]} and dies in the middle
 * of it as a killed process does ({@code Runtime.halt}: no finally block, no cleanup), leaving what a crash leaves.
 */
public final class InterruptedSaveMain {
    /** The exit status that says the save was cut in the middle (and not finished, or failed otherwise). */
    static final int HALTED_MID_SAVE = 99;

    private InterruptedSaveMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).resolve("checkpoints");
        Path epoch = root.resolve("epoch-0003");
        Files.createDirectories(epoch);
        // The pointer update of a save, begun: its temporary file exists (this JVM's, so nobody removes it while it lives).
        AtomicFiles.createTemporary(root.resolve("latest"));
        // A large model file (64 MB), so that the save takes long enough to be caught in the middle, past its first MB.
        Tensor big = Tensor.zeros(16L << 20);
        Thread save = new Thread(() -> {
            try {
                SafeTensors.write(epoch.resolve("model.safetensors"), Map.of("w", big));
            } catch (Exception e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(1);
            }
        });
        save.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(epoch)) {
                if (files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp") && size(p) > 1 << 20)) {
                    Runtime.getRuntime().halt(HALTED_MID_SAVE);
                }
            }
            if (!save.isAlive()) {
                Runtime.getRuntime().halt(2); // finished before it could be cut
            }
        }
        Runtime.getRuntime().halt(3);
    }

    /** The size of a file that may be renamed away meanwhile (then 0). */
    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
