package org.jdnn.examples;

import org.jdnn.nn.models.Models;
import org.jdnn.Jdnn;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Fallbacks;
import org.jdnn.loss.Losses;
import org.jdnn.loss.Reduction;
import org.jdnn.nn.Module;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The models the train command offers run every training-step kernel natively on the CPU: no fallback is taken. */
class FallbackFreeTrainingTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "cnn", "resnet18"})
    void trainingStepsTakeNoFallback(String model) {
        assertEquals("onednn", Backends.current().name(), "oneDNN did not load: " + Backends.unavailableReason("onednn"));
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5};
        long[] sample = Models.inputShape(model);
        long[] batch = {16, sample[0], sample[1], sample[2]};
        try (Module net = Models.create(model, 42); Adam optimizer = new Adam(net.parameters(), AdamParams.adam(1e-3))) {
            net.train(true);
            Fallbacks.reset();
            for (int step = 0; step < 2; step++) {
                try (Scope scope = Scope.open()) {
                    Tensor loss = Losses.crossEntropy(net.forward(Tensor.randn(step, batch)), labels, Reduction.MEAN, 0.1);
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                }
            }
            net.train(false);
            try (Scope scope = Scope.open()) {
                net.forward(Tensor.randn(9, batch));
            }
            assertEquals(0, Fallbacks.total(), model + " took fallbacks: " + Fallbacks.taken() + "\n" + Jdnn.info());
        }
    }
}
