package org.jdnn.train.checkpoint;

import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint whose tensor files were changed after the save is refused on resume and on eval, naming the file. */
class CheckpointChecksumTest {
    @TempDir
    Path dir;

    private static void edit(Path file, String from, String to) throws Exception {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(from), file + " has no " + from);
        Files.write(file, text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aChangedLearningRateOrShapeIsRefusedOnResumeAndEval() throws Exception {
        try (Module model = new Sequential(new Linear(4, 4, true, 1), new Linear(4, 2, true, 2))) {
            SGD sgd = new SGD(model.parameters(), new SgdParams(0.125, 0.9, 0, false, 0));
            Path checkpoint = Checkpoint.save(dir, 1, model, sgd, null, Map.of(), 2);

            Path optimizer = checkpoint.resolve("optimizer.safetensors");
            edit(optimizer, "\"param_groups.0.lr\":\"0.125\"", "\"param_groups.0.lr\":\"0.625\"");
            var e = assertThrows(CheckpointException.class, () -> Checkpoint.restore(checkpoint, model, sgd, null));
            assertTrue(e.getMessage().contains(optimizer.toString()) && e.getMessage().contains("checksum mismatch"),
                    e.getMessage());

            // Linear(4, 4)'s weight is 4x4: the header of the second layer's (2, 4) weight turned into (4, 2).
            Path weights = checkpoint.resolve("model.safetensors");
            edit(weights, "\"shape\":[2,4]", "\"shape\":[4,2]");
            e = assertThrows(CheckpointException.class, () -> Checkpoint.loadModel(checkpoint, model));
            assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains("checksum mismatch"),
                    e.getMessage());
        }
    }

    @Test
    void aModelFileWithoutChecksumIsNotTakenForACheckpoint() throws Exception {
        try (Module model = new Sequential(new Linear(1, 1, true, 1))) {
            Path checkpoint = Checkpoint.save(dir, 1, model, new SGD(model.parameters(), new SgdParams(0.1, 0, 0, false, 0)),
                    null, Map.of(), 2);
            String json = "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                    + "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
            byte[] h = json.getBytes(StandardCharsets.US_ASCII);
            Path weights = checkpoint.resolve("model.safetensors");
            Files.write(weights, ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(h.length).put(h).putFloat(1f).putFloat(2f).array());
            var e = assertThrows(CheckpointException.class, () -> Checkpoint.loadModel(checkpoint, model));
            assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains("no checksum"), e.getMessage());
        }
    }
}
