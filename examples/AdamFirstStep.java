import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Adam's first step moves every weight by about lr in the direction against its gradient, whatever the gradient's
 * size: at t = 1 the bias-corrected moments are m = g and v = g^2, so the step is lr g / (|g| + eps) = lr sign(g).
 * Gradients 3, -0.001, -50 and 0.001 all give a step of 0.001. Run it with {@code examples/run.sh AdamFirstStep}.
 */
public class AdamFirstStep {
    public static void main(String[] args) {
        double lr = 1e-3;
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.of(0.5f, -0.5f, 2f, 0f).requiresGrad(true);
            Tensor g = Tensor.of(3f, -0.001f, -50f, 0.001f);
            try (Adam adam = new Adam(List.of(w), AdamParams.adam(lr))) {
                w.mul(g).sum().backward(); // d(sum(w * g))/dw = g
                System.out.println("gradient      = " + Arrays.toString(w.grad().toFloatArray()));
                adam.step();
                System.out.println("after 1 step  = " + Arrays.toString(w.toFloatArray()));
                Check.close(new double[] {0.5 - lr, -0.5 + lr, 2 + lr, -lr}, w.toFloatArray(), 1e-6,
                        "w - lr sign(g)");
            }
        }
    }
}
