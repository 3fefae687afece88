import org.jdnn.ops.AdamParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.AdamW;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.function.Function;

/**
 * Weight decay in the optimizer against an L2 term wd/2 |w|^2 in the loss, 10 steps on 0.5 |w - target|^2:
 * for SGD they are the same update, p - lr (g + wd p); Adam's weight decay is that L2 term too; AdamW's decoupled decay
 * is not divided by Adam's adaptive denominator, so it ends elsewhere (Loshchilov and Hutter, 2019).
 * Run it with {@code examples/run.sh AdamWVersusL2}.
 */
public class AdamWVersusL2 {
    static final float[] START = {1.5f, -0.75f, 0.3f};
    static final float[] TARGET = {0.2f, 0.4f, -0.1f};

    public static void main(String[] args) {
        double wd = 0.1, lr = 0.05;
        float[] sgdDecay = train(0, p -> new SGD(List.of(p), SgdParams.of(lr).withWeightDecay(wd)));
        float[] sgdL2 = train(wd, p -> new SGD(List.of(p), SgdParams.of(lr)));
        float[] adamDecay = train(0, p -> new Adam(List.of(p), AdamParams.adam(lr).withWeightDecay(wd)));
        float[] adamL2 = train(wd, p -> new Adam(List.of(p), AdamParams.adam(lr)));
        float[] adamW = train(0, p -> new AdamW(List.of(p), AdamParams.adamW(lr).withWeightDecay(wd)));
        System.out.printf("SGD   weight decay %s | L2 in the loss %s%n", show(sgdDecay), show(sgdL2));
        System.out.printf("Adam  weight decay %s | L2 in the loss %s%n", show(adamDecay), show(adamL2));
        System.out.printf("AdamW weight decay %s%n", show(adamW));
        Check.close(toDouble(sgdL2), sgdDecay, 1e-6, "SGD: weight decay == L2");
        Check.close(toDouble(adamL2), adamDecay, 1e-5, "Adam: weight decay == L2");
        double largest = 0;
        for (int i = 0; i < adamW.length; i++) {
            largest = Math.max(largest, Math.abs(adamW[i] - adamL2[i]));
        }
        System.out.printf("AdamW differs from Adam + L2 by up to %.4f%n", largest);
        if (!(largest > 1e-3)) {
            throw new IllegalStateException("AdamW should differ from Adam + L2, max difference " + largest);
        }
    }

    /** 10 steps on 0.5 |w - target|^2 + l2/2 |w|^2; returns w. */
    static float[] train(double l2, Function<Tensor, Optimizer> make) {
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.of(START).requiresGrad(true);
            Tensor target = Tensor.of(TARGET);
            try (Optimizer opt = make.apply(w)) {
                for (int i = 0; i < 10; i++) {
                    opt.zeroGrad();
                    try (Scope step = Scope.open()) {
                        Tensor loss = w.sub(target).square().sum().mul(0.5f);
                        if (l2 > 0) {
                            loss = loss.add(w.square().sum().mul((float) (l2 / 2)));
                        }
                        loss.backward();
                    }
                    opt.step();
                }
            }
            return w.toFloatArray();
        }
    }

    static String show(float[] values) {
        return String.format("[%.5f, %.5f, %.5f]", values[0], values[1], values[2]);
    }

    static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
