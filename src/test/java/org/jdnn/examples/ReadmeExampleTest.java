package org.jdnn.examples;

import org.jdnn.nn.Conv2d;
import org.jdnn.nn.Flatten;
import org.jdnn.nn.Linear;
import org.jdnn.nn.MaxPool2d;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.init.Init;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.jdnn.autograd.F.matmul;
import static org.jdnn.autograd.F.relu;
import static org.jdnn.loss.Losses.crossEntropy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's 30-line API example, line for line, so it keeps compiling and doing what it says. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAndLearns() {
        Init.manualSeed(42);
        Module model = new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(6 * 14 * 14, 10));
        Adam optimizer = new Adam(model.parameters(), AdamParams.adam(1e-3));
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
        float first = 0;
        float last = 0;
        for (int step = 0; step < 20; step++) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(step % 2, 8, 1, 28, 28); // two batches, so the loss can fall
                Tensor loss = crossEntropy(model.forward(x), labels);
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                if (step == 0) {
                    first = loss.item();
                }
                last = loss.item();
            }
        }
        assertTrue(last < first, "loss did not fall: " + first + " -> " + last);
        Tensor w = model.namedParameters().get("4.weight");
        assertEquals(10 * 6 * 14 * 14, w.toFloatArray().length);
        Tensor y = relu(matmul(Tensor.randn(1, 4, 3), Tensor.ones(3, 2)));
        y.close();
        assertThrows(IllegalStateException.class, y::toFloatArray);
        try (Tensor s = Tensor.randn(1, 2, 3).to(Device.SIM); Tensor r = relu(s)) {
            assertEquals(Device.SIM, r.device()); // ran on the sim device's backend
        }
        model.close();
        optimizer.close();
    }
}
