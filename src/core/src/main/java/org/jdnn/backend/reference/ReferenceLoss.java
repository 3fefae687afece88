package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.LossOps;
import org.jdnn.ops.LossReduction;
import org.jdnn.ops.LossShapes;
import org.jdnn.ops.NllLossParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The loss kernels, in double, as the formulas read: the negative log-likelihood over class indices over the
 * (batch, classes, inner) view of the input, binary cross-entropy with PyTorch's clamps, and one-hot encoding; float32
 * or float64.
 * Class indices are validated here, element by element.
 */
final class ReferenceLoss {
    /** PyTorch's clamp of binary cross-entropy's logs. */
    private static final double LOG_CLAMP = -100;
    /** PyTorch's floor of {@code p (1 - p)} in binary cross-entropy's gradient. */
    private static final double GRAD_EPSILON = 1e-12;

    private ReferenceLoss() {
    }

    static void register(KernelTable table) {
        table.put(LossOps.NLL_LOSS, (p, in, out) -> nll(p, in[0], in[1], in[2], out[0], out[1]))
                .put(LossOps.NLL_LOSS_BACKWARD, (p, in, out) -> nllBackward(p, in[0], in[1], in[2], in[3], in[4], out[0]))
                .put(LossOps.BINARY_CROSS_ENTROPY, (p, in, out) -> bce(in[0], in[1], out[0]))
                .put(LossOps.BINARY_CROSS_ENTROPY_BACKWARD, (p, in, out) -> bceBackward(in[0], in[1], in[2], out[0], out[1]))
                .put(LossOps.ONE_HOT, (p, in, out) -> oneHot(p.numClasses(), in[0], out[0]));
    }

    /**
     * Class index {@code i} of {@code target} (int64, or a float holding integral values), or throws naming {@code op}:
     * a value that is not integral, or outside [0, classes) unless it is {@code ignoreIndex} (returned as it is).
     */
    static long classIndex(String op, Tensor target, MemorySegment t, long i, long classes, long ignoreIndex,
                           boolean ignoring) {
        long c;
        if (target.dtype() == DType.INT64) {
            c = t.getAtIndex(JAVA_LONG, i);
        } else {
            double v = target.dtype() == DType.FLOAT64 ? t.getAtIndex(JAVA_DOUBLE, i) : t.getAtIndex(JAVA_FLOAT, i);
            if (v != Math.rint(v) || Math.abs(v) > 0x1p62) {
                throw new IllegalArgumentException(op + ": target " + v + " at index " + i + " is not a class index");
            }
            c = (long) v;
        }
        if (ignoring && c == ignoreIndex) {
            return c;
        }
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException(op + ": target " + c + " at index " + i + " is out of bounds [0, " + classes
                    + ")" + (ignoring ? " and not the ignore index " + ignoreIndex : ""));
        }
        return c;
    }

    private static void nll(NllLossParams p, Tensor input, Tensor target, Tensor weight, Tensor out, Tensor totalWeight) {
        String op = "nll_loss";
        LossShapes s = LossShapes.infer(op, input.shape(), target.shape(), weight == null ? null : weight.shape());
        MemorySegment t = TensorAccess.segment(target);
        Values x = Values.of(input), w = Values.of(weight), y = Values.of(out);
        long classes = s.classes(), inner = s.inner();
        double smoothing = p.labelSmoothing();
        double sum = 0, total = 0;
        for (long n = 0; n < s.batch(); n++) {
            for (long i = 0; i < inner; i++) {
                long at = n * inner + i;
                long c = classIndex(op, target, t, at, classes, p.ignoreIndex(), true);
                double loss = 0;
                if (c != p.ignoreIndex()) {
                    double wc = w == null ? 1 : w.get(c);
                    loss = -(1 - smoothing) * wc * x.get((n * classes + c) * inner + i);
                    if (smoothing > 0) {
                        double smooth = 0;
                        for (long k = 0; k < classes; k++) {
                            double wk = w == null ? 1 : w.get(k);
                            smooth -= wk * x.get((n * classes + k) * inner + i);
                        }
                        loss += smoothing / classes * smooth;
                    }
                    total += wc;
                }
                sum += loss;
                if (p.reduction() == LossReduction.NONE) {
                    y.set(at, loss);
                }
            }
        }
        if (p.reduction() != LossReduction.NONE) {
            y.set(0, p.reduction() == LossReduction.MEAN ? sum / total : sum);
        }
        Values.of(totalWeight).set(0, total);
    }

    private static void nllBackward(NllLossParams p, Tensor input, Tensor gradOutput, Tensor target, Tensor weight,
                                    Tensor totalWeight, Tensor gradInput) {
        String op = "nll_loss_backward";
        LossShapes s = LossShapes.infer(op, input.shape(), target.shape(), weight == null ? null : weight.shape());
        MemorySegment t = TensorAccess.segment(target);
        Values g = Values.of(gradOutput), w = Values.of(weight), dx = Values.of(gradInput);
        long classes = s.classes(), inner = s.inner();
        double smoothing = p.labelSmoothing();
        double total = Values.of(totalWeight).get(0);
        for (long n = 0; n < s.batch(); n++) {
            for (long i = 0; i < inner; i++) {
                long at = n * inner + i;
                long c = classIndex(op, target, t, at, classes, p.ignoreIndex(), true);
                double scale = switch (p.reduction()) {
                    case NONE -> g.get(at);
                    case SUM -> g.get(0);
                    case MEAN -> g.get(0) / total;
                };
                boolean ignored = c == p.ignoreIndex();
                for (long k = 0; k < classes; k++) {
                    double grad = 0;
                    if (!ignored) {
                        double wk = w == null ? 1 : w.get(k);
                        // The smoothing term only where there is smoothing: PyTorch's gradient is 0 off the target
                        // class even where gradOutput is NaN or infinite.
                        grad = smoothing > 0 ? -smoothing / classes * wk * scale : 0;
                        if (k == c) {
                            grad -= (1 - smoothing) * wk * scale;
                        }
                    }
                    dx.set((n * classes + k) * inner + i, grad);
                }
            }
        }
    }

    /** The probability at {@code i}, or throws: binary cross-entropy takes only values in [0, 1]. */
    private static double probability(String op, Values x, long i) {
        double p = x.get(i);
        if (!(p >= 0 && p <= 1)) {
            String value = x.dtype() == DType.FLOAT32 ? Float.toString((float) p) : Double.toString(p);
            throw new IllegalArgumentException(op + ": input " + value + " at index " + i
                    + " is not a probability in [0, 1] (use binaryCrossEntropyWithLogits for logits)");
        }
        return p;
    }

    private static void bce(Tensor input, Tensor target, Tensor out) {
        Values x = Values.of(input), t = Values.of(target), y = Values.of(out);
        for (long i = 0, n = input.numel(); i < n; i++) {
            double p = probability("binary_cross_entropy", x, i);
            double yi = t.get(i);
            double loss = (yi - 1) * Math.max(Math.log1p(-p), LOG_CLAMP) - yi * Math.max(Math.log(p), LOG_CLAMP);
            y.set(i, loss);
        }
    }

    private static void bceBackward(Tensor input, Tensor target, Tensor gradOutput, Tensor gradInput, Tensor gradTarget) {
        Values x = Values.of(input), t = Values.of(target), g = Values.of(gradOutput);
        Values dx = Values.of(gradInput), dt = Values.of(gradTarget);
        for (long i = 0, n = input.numel(); i < n; i++) {
            double p = probability("binary_cross_entropy_backward", x, i);
            double yi = t.get(i), gi = g.get(i);
            dx.set(i, gi * (p - yi) / Math.max(p * (1 - p), GRAD_EPSILON));
            dt.set(i, gi * (Math.max(Math.log1p(-p), LOG_CLAMP) - Math.max(Math.log(p), LOG_CLAMP)));
        }
    }

    private static void oneHot(long classes, Tensor target, Tensor out) {
        MemorySegment t = TensorAccess.segment(target);
        Values y = Values.of(out);
        for (long i = 0, n = target.numel(); i < n; i++) {
            long c = classIndex("one_hot", target, t, i, classes, 0, false);
            for (long k = 0; k < classes; k++) {
                y.set(i * classes + k, k == c ? 1 : 0);
            }
        }
    }
}
