import org.jdnn.autograd.F;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * Rosenblatt's perceptron learns logical AND with the perceptron rule w += lr (t - y) x, b += lr (t - y), where
 * y = step(w x + b) and step(z) = 1 for z >= 0 (the lecture's convention; jdnn's {@code F.step} is
 * {@code heaviside(z, 1)}). From w = (0, 0), b = 0, lr = 1, taking the four samples in order, the hand trace makes
 * its last mistake in epoch 5 and ends at w = (2, 1), b = -3, which classifies all four in epoch 6.
 * Run it with {@code examples/run.sh Perceptron}.
 */
public class Perceptron {
    public static void main(String[] args) {
        float[][] inputs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        float[] targets = {0, 0, 0, 1};
        float lr = 1f;
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.zeros(2, 1);
            Tensor b = Tensor.zeros(1);
            for (int epoch = 1; epoch <= 20; epoch++) {
                int mistakes = 0;
                for (int i = 0; i < inputs.length; i++) {
                    try (Scope step = Scope.open()) {
                        Tensor x = Tensor.of(inputs[i], 1, 2);
                        float y = F.step(x.matmul(w).add(b)).item();
                        float error = targets[i] - y;
                        if (error != 0) {
                            mistakes++;
                            w.copyFrom(w.add(x.reshape(2, 1).mul(lr * error)));
                            b.copyFrom(b.add(lr * error));
                        }
                    }
                }
                System.out.printf("epoch %d: %d mistakes, w = %s, b = %s%n", epoch, mistakes,
                        Arrays.toString(w.toFloatArray()), Arrays.toString(b.toFloatArray()));
                if (mistakes == 0) {
                    Check.close(new double[] {6, 2, 1, -3},
                            new float[] {epoch, w.get(0, 0), w.get(1, 0), b.get(0)}, 0, "epoch, w and b");
                    return;
                }
            }
            throw new IllegalStateException("the perceptron did not converge in 20 epochs");
        }
    }
}
