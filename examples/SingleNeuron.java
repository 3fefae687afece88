import org.jdnn.autograd.F;
import org.jdnn.loss.Losses;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * One sigmoid neuron y = sigmoid(w x + b) with binary cross-entropy. By hand, dL/dz = sigmoid(z) - target, so
 * dL/dw = (sigmoid(z) - target) x and dL/db = sigmoid(z) - target. With w = 0.5, b = -0.2, x = 1.5, target 1:
 * z = 0.55, sigmoid(z) = 0.634135591, dL/dw = -0.548796613, dL/db = -0.365864409. One SGD step (lr 0.1), then 200 more
 * drive the output to the target. Run it with {@code examples/run.sh SingleNeuron}.
 */
public class SingleNeuron {
    public static void main(String[] args) {
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.of(new float[] {0.5f}, 1, 1).requiresGrad(true);
            Tensor b = Tensor.of(-0.2f).requiresGrad(true);
            Tensor x = Tensor.of(new float[] {1.5f}, 1, 1);
            Tensor target = Tensor.of(new float[] {1f}, 1, 1);
            try (SGD sgd = new SGD(List.of(w, b), SgdParams.of(0.1))) {
                Tensor loss = Losses.binaryCrossEntropy(F.linear(x, w, b).sigmoid(), target);
                loss.backward();
                System.out.printf("loss = %.9f (by hand: -log 0.634135591 = 0.455492481)%n", loss.item());
                Check.close(new double[] {-0.548796613}, w.grad().toFloatArray(), 1e-6, "dL/dw");
                Check.close(new double[] {-0.365864409}, b.grad().toFloatArray(), 1e-6, "dL/db");
                sgd.step();
                for (int step = 0; step < 200; step++) {
                    sgd.zeroGrad();
                    try (Scope inner = Scope.open()) {
                        Losses.binaryCrossEntropy(F.linear(x, w, b).sigmoid(), target).backward();
                    }
                    sgd.step();
                }
                float y = F.linear(x, w, b).sigmoid().item();
                System.out.printf("after 201 steps: y = %.4f (target 1)%n", y);
                if (!(y > 0.95f)) {
                    throw new IllegalStateException("the neuron did not learn its target: y = " + y);
                }
            }
        }
    }
}
