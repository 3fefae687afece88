package org.jdnn.train.checkpoint;

import org.jdnn.loss.Losses;
import org.jdnn.nn.Module;
import org.jdnn.nn.models.Models;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A checkpoint written from a model on a device (sim here: the same path as cuda, whose memory the host reads only
 * through counted copies) loads on the CPU, and back onto the device, with the same values.
 */
class CheckpointDeviceTest {
    @Test
    void aModelSavedOnTheDeviceLoadsOnTheCpuAndBack(@TempDir Path dir) throws Exception {
        try (Module model = Models.create("mlp", 3).to(Device.SIM);
             SGD sgd = new SGD(model.parameters(), new SgdParams(0.1, 0.9, 0, false, 0))) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(5, 4, 1, 28, 28).to(Device.SIM);
                Losses.crossEntropy(model.call(x), new int[] {1, 2, 3, 4}).backward();
                sgd.step(); // momentum buffers now live on sim too
            }
            Path saved = Checkpoint.save(dir, 1, model, sgd, null, Map.of(), 2);

            try (Module cpu = Models.create("mlp", 99)) {
                Checkpoint.loadModel(saved, cpu);
                assertSameWeights(model, cpu, "sim -> checkpoint -> cpu");
                try (Module back = Models.create("mlp", 98).to(Device.SIM)) {
                    Checkpoint.loadModel(saved, back);
                    back.parameters().forEach(p -> assertEquals(Device.SIM, p.device(), "loaded in place on sim"));
                    assertSameWeights(cpu, back, "checkpoint -> sim");
                }
            }
        }
    }

    private static void assertSameWeights(Module expected, Module actual, String what) {
        var e = expected.stateDict();
        var a = actual.stateDict();
        assertEquals(e.keySet(), a.keySet(), what);
        e.forEach((name, t) -> assertArrayEquals(t.toFloatArray(), a.get(name).toFloatArray(), what + ": " + name));
    }
}
