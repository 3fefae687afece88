package org.jdnn.train.checkpoint;

import org.jdnn.nn.BasicBlock;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.Flatten;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Sequential;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A module's state dict survives a safetensors file: same tensors, same outputs, loaded in place. */
class ModuleStateFileTest {

    private static Sequential smallResNet(long seed) {
        return new Sequential(new Conv2d(3, 4, 3, 1, 1, 1, 1, false, seed), new BasicBlock(4, 6, 2, seed + 1),
                new Flatten(), new Linear(6 * 2 * 2, 3, true, seed + 2));
    }

    @Test
    void stateDictRoundTripsThroughSafeTensors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.safetensors");
        try (Sequential trained = smallResNet(10); Sequential fresh = smallResNet(20); Scope scope = Scope.open()) {
            trained.forward(Tensor.randn(5, 2, 3, 4, 4)); // training mode: moves the running statistics
            Tensor x = Tensor.randn(6, 2, 3, 4, 4);
            trained.eval();
            fresh.eval();
            float[] expected = trained.forward(x).toFloatArray();
            assertNotEquals(expected[0], fresh.forward(x).toFloatArray()[0], "different seeds give different models");

            SafeTensors.write(file, trained.stateDict());
            Tensor firstWeight = fresh.parameters().get(0);
            try (NamedTensors loaded = SafeTensors.read(file)) {
                fresh.loadStateDict(loaded.tensors());
            }
            assertSame(firstWeight, fresh.parameters().get(0), "loading copies in place: optimizers keep their tensors");
            assertArrayEquals(expected, fresh.forward(x).toFloatArray(), "the loaded model computes the same outputs");
            for (Map.Entry<String, Tensor> e : trained.stateDict().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), fresh.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
            }
        }
    }
}
