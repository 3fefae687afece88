package org.jdnn.train.checkpoint;

import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A save killed in the middle leaves temporary files; the next start (looking up or saving a checkpoint) removes them,
 * and the last complete checkpoint loads as it was.
 */
class InterruptedSaveTest {
    @TempDir
    Path dir;

    private static List<Path> temporaries(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().matches("\\..+\\.[0-9a-z]+\\.tmp")).sorted().toList();
        }
    }

    /** Runs {@link InterruptedSaveMain} in a child JVM, which dies in the middle of saving epoch 3 under {@code dir}. */
    private void crashMidSave() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), InterruptedSaveMain.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
        assertEquals(InterruptedSaveMain.HALTED_MID_SAVE, child.exitValue(), "the child was not cut mid-save: " + output);
    }

    @Test
    void theNextStartRemovesWhatACrashedSaveLeftAndTheLastGoodCheckpointLoads() throws Exception {
        try (Module model = new Sequential(new Linear(4, 3, true, 1))) {
            SGD sgd = new SGD(model.parameters(), new SgdParams(0.1, 0.9, 0, false, 0));
            Checkpoint.save(dir, 1, model, sgd, null, Map.of(), 5);
            Tensor weight = model.namedParameters().get("0.weight");
            try (Tensor quarter = Tensor.full(0.25f, 3, 4)) {
                weight.copyFrom(quarter);
            }
            Checkpoint.save(dir, 2, model, sgd, null, Map.of(), 5);
            float[] saved = weight.toFloatArray();

            crashMidSave();
            Path root = dir.resolve("checkpoints");
            List<Path> strays = temporaries(root);
            assertEquals(2, strays.size(), "the crash leaves the model's and the pointer's temporary files: " + strays);
            assertTrue(Files.size(strays.stream().filter(p -> p.toString().contains("model")).findFirst().orElseThrow()) > 1 << 20,
                    "the model file was half written");
            Path notes = Files.writeString(root.resolve("notes.tmp"), "the user's");
            Path hidden = Files.writeString(root.resolve(".keep.tmp"), "the user's");

            try (Tensor zeros = Tensor.zeros(3, 4)) {
                weight.copyFrom(zeros);
            }
            Path latest = Checkpoint.latest(dir);
            assertEquals(root.resolve("epoch-0002"), latest, "the interrupted epoch 3 never became the latest");
            assertEquals(List.of(), temporaries(root), "strays removed on the next start");
            assertTrue(Files.exists(notes) && Files.exists(hidden), "files that are not jdnn's temporaries stay");
            Checkpoint.restore(latest, model, new SGD(model.parameters(), new SgdParams(0.1, 0.9, 0, false, 0)), null);
            assertArrayEquals(saved, weight.toFloatArray(), "epoch 2's weights");

            // A stray in a checkpoint directory is removed by the next save too.
            Path stray = Files.writeString(latest.resolve(".state.json.k3x9a1b.tmp"), "{\"epo");
            Checkpoint.save(dir, 3, model, sgd, null, Map.of(), 5);
            assertFalse(Files.exists(stray), "stray removed by the next save");
            assertEquals(root.resolve("epoch-0003"), Checkpoint.latest(dir));
        }
    }
}
