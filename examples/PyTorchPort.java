import org.jdnn.autograd.Autograd;
import org.jdnn.loss.CrossEntropyOptions;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.Tanh;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * A PyTorch training loop ported line by line, with PyTorch 2.13's numbers to compare against:
 * <pre>
 * x = torch.tensor(vals(30, 7, 11, 5, 4.0)).reshape(2, 3, 5)      # (batch, sequence, features)
 * model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
 * model.apply(init)                                               # weights by layer type
 * labels = torch.tensor([[0, 2, 1], [2, 2, 0]])                   # int64
 * opt = torch.optim.Adam(model.parameters(), lr=0.05, amsgrad=True)
 * for step in range(10):
 *     logits = model(x).permute(0, 2, 1)                          # (N, C, d)
 *     loss = F.cross_entropy(logits, labels, weight=torch.tensor([1., 2., .5]), ignore_index=1, label_smoothing=0.1)
 *     opt.zero_grad(); loss.backward(); opt.step()
 * with torch.no_grad():
 *     pred = model(x).argmax(-1); correct = (pred == labels).sum().item()
 * </pre>
 * where {@code vals(n, a, m, off, scale)} is {@code [((i * a) % m - off) / scale for i in range(n)]}. Run it with
 * {@code examples/run.sh PyTorchPort}.
 */
public class PyTorchPort {
    static final double[] PYTORCH_LOSSES = {1.15152729, 1.02899933, 0.936609983, 0.865392745, 0.812135518,
        0.773833156, 0.746098161, 0.724052191, 0.703671634, 0.682547331};

    static float[] vals(int n, int a, int m, int offset, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (((i * a) % m - offset) / scale);
        }
        return v;
    }

    public static void main(String[] args) {
        try (Scope scope = Scope.open();
             Sequential model = new Sequential(new Linear(5, 4), new Tanh(), new Linear(4, 3))) {
            Tensor x = Tensor.of(vals(30, 7, 11, 5, 4.0), 2, 3, 5);
            model.apply(m -> {
                if (m instanceof Linear linear) {
                    Tensor w = linear.weight();
                    w.copyFrom(Tensor.of(vals((int) w.numel(), 5, 13, 6, 10.0), w.dims()));
                    linear.bias().copyFrom(Tensor.of(vals((int) linear.bias().numel(), 3, 7, 3, 10.0)));
                }
            });
            Tensor labels = Tensor.ofLongs(new long[] {0, 2, 1, 2, 2, 0}, 2, 3);
            CrossEntropyOptions options = CrossEntropyOptions.builder().weight(Tensor.of(1f, 2f, 0.5f))
                    .ignoreIndex(1).labelSmoothing(0.1).build();
            float[] losses = new float[PYTORCH_LOSSES.length];
            try (Adam optimizer = new Adam(model.parameters(), AdamParams.adam(0.05).withAmsgrad(true))) {
                for (int step = 0; step < losses.length; step++) {
                    try (Scope stepScope = Scope.open()) {
                        Tensor logits = model.call(x).permute(0, 2, 1);
                        Tensor loss = Losses.crossEntropy(logits, labels, options);
                        optimizer.zeroGrad();
                        loss.backward();
                        optimizer.step();
                        losses[step] = loss.item();
                        System.out.printf("step %d: loss %.7f   (PyTorch %.7f)%n", step, losses[step],
                                PYTORCH_LOSSES[step]);
                    }
                }
            }
            Check.close(PYTORCH_LOSSES, losses, 2e-5, "losses of ten Adam (amsgrad) steps");
            try (var noGrad = Autograd.noGrad()) {
                Tensor predicted = model.call(x).argmax(-1);
                long correct = predicted.eq(labels).sum().itemLong();
                System.out.println("predicted " + Arrays.toString(predicted.toLongArray()) + ", " + correct
                        + " of 6 correct   (PyTorch: [0, 2, 2, 2, 0, 0], 4 of 6)");
                Check.close(new double[] {0, 2, 2, 2, 0, 0, 4}, new float[] {predicted.getLong(0, 0),
                    predicted.getLong(0, 1), predicted.getLong(0, 2), predicted.getLong(1, 0), predicted.getLong(1, 1),
                    predicted.getLong(1, 2), correct}, 0, "predictions and the count of correct ones");
                if (predicted.dtype() != DType.INT64) {
                    throw new IllegalStateException("argmax gave " + predicted.dtype() + ", expected int64");
                }
            }
        }
    }
}
