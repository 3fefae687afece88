package org.jdnn.examples;

import org.jdnn.autograd.Autograd;
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
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.jdnn.loss.Losses.crossEntropy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's 30-line API example, line for line, so it keeps compiling and doing what it says. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAndLearns() {
        Init.manualSeed(42);
        Module model = new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(6 * 14 * 14, 10));
        Adam optimizer = new Adam(model.parameters(), AdamParams.adam(1e-3).withAmsgrad(true));
        Tensor labels = Tensor.ofLongs(0, 1, 2, 3, 4, 5, 6, 7);
        float first = 0;
        float last = 0;
        for (int step = 0; step < 20; step++) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(step % 2, 8, 1, 28, 28); // two batches, so the loss can fall
                Tensor loss = crossEntropy(model.call(x), labels);
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
        try (Scope scope = Scope.open(); var noGrad = Autograd.noGrad()) {
            Tensor predicted = model.call(Tensor.randn(99, 8, 1, 28, 28)).argmax(1);
            long correct = predicted.eq(labels).sum().itemLong();
            assertEquals(DType.INT64, predicted.dtype());
            long[] classes = predicted.toLongArray();
            long expected = 0;
            for (int i = 0; i < classes.length; i++) {
                expected += classes[i] == i ? 1 : 0; // labels are 0..7
            }
            assertEquals(expected, correct, "correct predictions of " + java.util.Arrays.toString(classes));
            Tensor x = Tensor.randn(1, 4, 3);
            Tensor y = x.matmul(Tensor.ones(3, 2)).add(0.5f).relu().sum(1, true);
            Tensor z = x.transpose(0, 1).reshape(3, -1).softmax(-1);
            Tensor d = x.to(DType.FLOAT64).exp().log1p();
            float[] values = y.toFloatArray();
            assertEquals(Shape.of(4, 1), y.shape());
            float[] xs = x.toFloatArray();
            for (int row = 0; row < 4; row++) {
                // each row of x @ ones is (s, s) with s the row's sum; + 0.5, relu, then the two columns summed
                double s = xs[3 * row] + xs[3 * row + 1] + xs[3 * row + 2];
                assertEquals(2 * Math.max(s + 0.5, 0), values[row], 1e-5, "row " + row);
            }
            assertEquals(Shape.of(3, 4), z.shape());
            assertEquals(DType.FLOAT64, d.dtype());
            assertEquals(Math.log1p(Math.exp(xs[5])), d.toDoubleArray()[5], 1e-6);
            assertFalse(y.requiresGrad(), "nothing recorded under noGrad");
        }
        Tensor s = Tensor.randn(1, 2, 3).to(Device.SIM);
        assertEquals(Device.SIM, s.device());
        assertArrayEquals(new long[] {2, 3}, s.dims());
        s.close();
        model.close();
        optimizer.close();
    }
}
