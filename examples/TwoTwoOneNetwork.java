import org.jdnn.autograd.F;
import org.jdnn.loss.Losses;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The 2-2-1 sigmoid network of the backpropagation lecture: one forward pass, one backward pass and one SGD step
 * (lr 0.5) on x = (0.05, 0.10), target 0.01, checked against the values derived by hand:
 * <pre>
 * z1 = W1 x + b1 = (0.3775, 0.3925)     h = sigmoid(z1) = (0.593269992, 0.596884378)
 * z2 = W2 h + b2 = 1.105905967          o = sigmoid(z2) = 0.751365070
 * d2 = (o - t) o (1 - o) = 0.138498562  dL/dW2 = d2 h
 * W2 - 0.5 dL/dW2 = (0.358916480, 0.408666186)
 * </pre>
 * Run it with {@code examples/run.sh TwoTwoOneNetwork}.
 */
public class TwoTwoOneNetwork {
    public static void main(String[] args) {
        try (Scope scope = Scope.open()) {
            Tensor w1 = Tensor.of(new float[] {0.15f, 0.20f, 0.25f, 0.30f}, 2, 2).requiresGrad(true);
            Tensor b1 = Tensor.of(0.35f, 0.35f).requiresGrad(true);
            Tensor w2 = Tensor.of(new float[] {0.40f, 0.45f}, 1, 2).requiresGrad(true);
            Tensor b2 = Tensor.of(0.60f).requiresGrad(true);
            Tensor x = Tensor.of(new float[] {0.05f, 0.10f}, 1, 2);
            Tensor target = Tensor.of(new float[] {0.01f}, 1, 1);

            Tensor h = F.linear(x, w1, b1).sigmoid();
            Tensor o = F.linear(h, w2, b2).sigmoid();
            Tensor loss = Losses.mseLoss(o, target).mul(0.5f); // (o - t)^2 / 2
            loss.backward();
            System.out.printf("h = %s, o = %.9f, loss = %.9f%n", Arrays.toString(h.toFloatArray()), o.item(), loss.item());
            System.out.println("dL/dW2 = " + Arrays.toString(w2.grad().toFloatArray()) + "   (by hand: d2 h = [0.082167041, 0.082667628])");

            try (SGD sgd = new SGD(List.of(w1, b1, w2, b2), SgdParams.of(0.5))) {
                sgd.step();
            }
            float[] updated = w2.toFloatArray();
            System.out.printf("W2 after one step = [%.9f, %.9f]   (by hand: [0.358916480, 0.408666186])%n",
                    updated[0], updated[1]);
            Check.close(new double[] {0.358916480, 0.408666186}, updated, 1e-6, "W2 after the step");
        }
    }
}
