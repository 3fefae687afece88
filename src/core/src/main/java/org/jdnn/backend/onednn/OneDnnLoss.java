package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.LossOps;
import org.jdnn.ops.LossReduction;
import org.jdnn.ops.LossShapes;
import org.jdnn.ops.NllLossParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The class-index losses on the CPU: oneDNN has no gather or one-hot primitive, so the negative log-likelihood (the
 * cross-entropy of training) and one-hot encoding are plain loops over (batch, classes, inner), O(batch inner) work
 * (O(batch inner classes) with label smoothing), next to which the log-softmax before them dominates. Binary
 * cross-entropy is an element-wise loop in float with PyTorch's clamps (oneDNN's eltwise log has no clamp and would
 * need several primitives for what one pass does).
 */
final class OneDnnLoss {
    private OneDnnLoss() {
    }

    static void register(KernelTable table) {
        Set<DType> classIndices = Set.of(DType.FLOAT32, DType.INT64);
        table.putAccepting(LossOps.NLL_LOSS, classIndices, (p, in, out) -> nll(p, in[0], in[1], in[2], out[0], out[1]))
                .putAccepting(LossOps.NLL_LOSS_BACKWARD, classIndices,
                        (p, in, out) -> nllBackward(p, in[0], in[1], in[2], in[3], in[4], out[0]))
                .putAccepting(LossOps.ONE_HOT, classIndices, (p, in, out) -> oneHot(p.numClasses(), in[0], out[0]))
                .put(LossOps.BINARY_CROSS_ENTROPY, (p, in, out) -> bce(in[0], in[1], out[0]))
                .put(LossOps.BINARY_CROSS_ENTROPY_BACKWARD, (p, in, out) -> bceBackward(in[0], in[1], in[2], out[0], out[1]));
    }

    /** The class at {@code i}, the ignore index as it is, or an IllegalArgumentException naming {@code op} and the value. */
    private static long classAt(String op, Tensor target, MemorySegment t, long i, long classes, long ignoreIndex,
                                boolean ignoring) {
        long c;
        if (target.dtype() == DType.INT64) {
            c = t.getAtIndex(JAVA_LONG, i);
        } else {
            float v = t.getAtIndex(JAVA_FLOAT, i);
            if (v != Math.rint(v) || Math.abs(v) > 0x1p62) {
                throw new IllegalArgumentException(op + ": target " + v + " at index " + i + " is not a class index");
            }
            c = (long) v;
        }
        if ((c < 0 || c >= classes) && !(ignoring && c == ignoreIndex)) {
            throw new IllegalArgumentException(op + ": target " + c + " at index " + i + " is out of bounds [0, " + classes
                    + ")" + (ignoring ? " and not the ignore index " + ignoreIndex : ""));
        }
        return c;
    }

    private static void nll(NllLossParams p, Tensor input, Tensor target, Tensor weight, Tensor out, Tensor totalWeight) {
        String op = "nll_loss";
        LossShapes s = LossShapes.infer(op, input.shape(), target.shape(), weight == null ? null : weight.shape());
        MemorySegment x = TensorAccess.segment(input), t = TensorAccess.segment(target), y = TensorAccess.segment(out);
        MemorySegment w = weight == null ? null : TensorAccess.segment(weight);
        long classes = s.classes(), inner = s.inner();
        float on = (float) (1 - p.labelSmoothing()), off = (float) (p.labelSmoothing() / classes);
        boolean none = p.reduction() == LossReduction.NONE;
        double sum = 0, total = 0;
        for (long n = 0, at = 0; n < s.batch(); n++) {
            long row = n * classes * inner;
            for (long i = 0; i < inner; i++, at++) {
                long c = classAt(op, target, t, at, classes, p.ignoreIndex(), true);
                float loss = 0;
                if (c != p.ignoreIndex()) {
                    float wc = w == null ? 1f : w.getAtIndex(JAVA_FLOAT, c);
                    loss = -on * wc * x.getAtIndex(JAVA_FLOAT, row + c * inner + i);
                    if (off != 0) {
                        float smooth = 0;
                        for (long k = 0; k < classes; k++) {
                            smooth += (w == null ? 1f : w.getAtIndex(JAVA_FLOAT, k)) * x.getAtIndex(JAVA_FLOAT, row + k * inner + i);
                        }
                        loss -= off * smooth;
                    }
                    total += wc;
                }
                if (none) {
                    y.setAtIndex(JAVA_FLOAT, at, loss);
                } else {
                    sum += loss;
                }
            }
        }
        if (!none) {
            y.setAtIndex(JAVA_FLOAT, 0, (float) (p.reduction() == LossReduction.MEAN ? sum / total : sum));
        }
        TensorAccess.segment(totalWeight).setAtIndex(JAVA_FLOAT, 0, (float) total);
    }

    private static void nllBackward(NllLossParams p, Tensor input, Tensor gradOutput, Tensor target, Tensor weight,
                                    Tensor totalWeight, Tensor gradInput) {
        String op = "nll_loss_backward";
        LossShapes s = LossShapes.infer(op, input.shape(), target.shape(), weight == null ? null : weight.shape());
        MemorySegment g = TensorAccess.segment(gradOutput), t = TensorAccess.segment(target);
        MemorySegment w = weight == null ? null : TensorAccess.segment(weight), dx = TensorAccess.segment(gradInput);
        long classes = s.classes(), inner = s.inner();
        float on = (float) (1 - p.labelSmoothing()), off = (float) (p.labelSmoothing() / classes);
        float scalar = p.reduction() == LossReduction.NONE ? 0f : g.getAtIndex(JAVA_FLOAT, 0);
        if (p.reduction() == LossReduction.MEAN) {
            scalar /= TensorAccess.segment(totalWeight).getAtIndex(JAVA_FLOAT, 0);
        }
        dx.asSlice(0, gradInput.numel() * Float.BYTES).fill((byte) 0);
        for (long n = 0, at = 0; n < s.batch(); n++) {
            long row = n * classes * inner;
            for (long i = 0; i < inner; i++, at++) {
                long c = classAt(op, target, t, at, classes, p.ignoreIndex(), true);
                if (c == p.ignoreIndex()) {
                    continue;
                }
                float scale = p.reduction() == LossReduction.NONE ? g.getAtIndex(JAVA_FLOAT, at) : scalar;
                if (off != 0) {
                    for (long k = 0; k < classes; k++) {
                        dx.setAtIndex(JAVA_FLOAT, row + k * inner + i,
                                -off * (w == null ? 1f : w.getAtIndex(JAVA_FLOAT, k)) * scale);
                    }
                }
                long at2 = row + c * inner + i;
                float wc = w == null ? 1f : w.getAtIndex(JAVA_FLOAT, c);
                dx.setAtIndex(JAVA_FLOAT, at2, dx.getAtIndex(JAVA_FLOAT, at2) - on * wc * scale);
            }
        }
    }

    private static void oneHot(long classes, Tensor target, Tensor out) {
        MemorySegment t = TensorAccess.segment(target), y = TensorAccess.segment(out);
        y.asSlice(0, out.numel() * Float.BYTES).fill((byte) 0);
        for (long i = 0, n = target.numel(); i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, i * classes + classAt("one_hot", target, t, i, classes, 0, false), 1f);
        }
    }

    /** The probability at {@code i}, or an IllegalArgumentException naming {@code op}: only [0, 1] is accepted. */
    private static float probability(String op, MemorySegment x, long i) {
        float p = x.getAtIndex(JAVA_FLOAT, i);
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException(op + ": input " + p + " at index " + i
                    + " is not a probability in [0, 1] (use binaryCrossEntropyWithLogits for logits)");
        }
        return p;
    }

    private static void bce(Tensor input, Tensor target, Tensor out) {
        MemorySegment x = TensorAccess.segment(input), t = TensorAccess.segment(target), y = TensorAccess.segment(out);
        for (long i = 0, n = input.numel(); i < n; i++) {
            float p = probability("binary_cross_entropy", x, i), yi = t.getAtIndex(JAVA_FLOAT, i);
            float logP = Math.max((float) Math.log(p), -100f), log1mP = Math.max((float) Math.log1p(-p), -100f);
            y.setAtIndex(JAVA_FLOAT, i, (yi - 1f) * log1mP - yi * logP);
        }
    }

    private static void bceBackward(Tensor input, Tensor target, Tensor gradOutput, Tensor gradInput, Tensor gradTarget) {
        MemorySegment x = TensorAccess.segment(input), t = TensorAccess.segment(target);
        MemorySegment g = TensorAccess.segment(gradOutput);
        MemorySegment dx = TensorAccess.segment(gradInput), dt = TensorAccess.segment(gradTarget);
        for (long i = 0, n = input.numel(); i < n; i++) {
            float p = probability("binary_cross_entropy_backward", x, i);
            float yi = t.getAtIndex(JAVA_FLOAT, i), gi = g.getAtIndex(JAVA_FLOAT, i);
            dx.setAtIndex(JAVA_FLOAT, i, gi * (p - yi) / Math.max((1f - p) * p, 1e-12f));
            float logP = Math.max((float) Math.log(p), -100f), log1mP = Math.max((float) Math.log1p(-p), -100f);
            dt.setAtIndex(JAVA_FLOAT, i, gi * (log1mP - logP));
        }
    }
}
