package org.jdnn.train.checkpoint;

import org.jdnn.train.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes the temporary files that interrupted saves left under a checkpoints root: beside {@code latest} and in
 * every {@code epoch-NNNN} directory, also those no save will write again (an interrupted epoch that is never
 * resumed). Run when a checkpoint is saved or looked up, so a crash leaves its debris only until the next start.
 */
final class StrayTemporaries {
    private StrayTemporaries() {
    }

    static void removeUnder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        AtomicFiles.removeStrayTemporaries(root);
        try (DirectoryStream<Path> epochs = Files.newDirectoryStream(root,
                p -> p.getFileName().toString().matches("epoch-\\d{4,}") && Files.isDirectory(p))) {
            for (Path epoch : epochs) {
                AtomicFiles.removeStrayTemporaries(epoch);
            }
        }
    }
}
