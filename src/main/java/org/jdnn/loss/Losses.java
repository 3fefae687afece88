package org.jdnn.loss;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

/**
 * Loss functions with PyTorch's names and semantics, built from the differentiable ops of {@link F}, so their
 * gradients come from autograd. Class-index targets become one-hot weight tensors uploaded from the host; every
 * computation on tensor data, the argument checks included, runs on the backend.
 *
 * <pre>{@code
 * Tensor loss = Losses.crossEntropy(logits, labels);            // mean over the batch
 * Tensor smoothed = Losses.crossEntropy(logits, labels, Reduction.SUM, 0.1);
 * }</pre>
 * Every loss validates its arguments and throws {@link IllegalArgumentException} naming itself.
 */
public final class Losses {
    /** PyTorch's binary cross-entropy clamps each log at -100 so that p = 0 or 1 gives a finite loss. */
    public static final float BCE_LOG_CLAMP = -100f;
    /** Below the log of the smallest positive float: clamps only log 0, so that 0 log 0 is 0, not NaN. */
    private static final float XLOGY_LOG_CLAMP = -104f;

    private Losses() {
    }

    // ---- regression ----

    /** Mean squared error {@code (input - target)^2}, reduced by mean. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        sameShape("mse_loss", input, target);
        return reduce("mse_loss", F.square(F.sub(input, target)), reduction);
    }

    /** Mean absolute error {@code |input - target|}, reduced by mean. */
    public static Tensor l1Loss(Tensor input, Tensor target) {
        return l1Loss(input, target, Reduction.MEAN);
    }

    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        sameShape("l1_loss", input, target);
        return reduce("l1_loss", F.abs(F.sub(input, target)), reduction);
    }

    // ---- binary classification ----

    /**
     * Binary cross-entropy on probabilities: {@code -(y log p + (1 - y) log(1 - p))} with both logs clamped at
     * {@value #BCE_LOG_CLAMP}; the input must lie in [0, 1].
     */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return binaryCrossEntropy(probabilities, target, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target, Reduction reduction) {
        String loss = "binary_cross_entropy";
        sameShape(loss, probabilities, target);
        float outside = farthestOutside(probabilities, true);
        if (!(outside <= 0)) {
            throw new IllegalArgumentException(loss + ": input holds " + (Float.isNaN(outside) ? "NaN or infinity"
                    : "a value " + outside + " outside [0, 1]") + ", not a probability in [0, 1]"
                    + " (use binaryCrossEntropyWithLogits for logits)");
        }
        Tensor logP = F.log(probabilities, BCE_LOG_CLAMP);
        Tensor log1mP = F.log(F.add(F.neg(probabilities), 1f), BCE_LOG_CLAMP);
        Tensor oneMinusY = F.add(F.neg(target), 1f);
        return reduce(loss, F.neg(F.add(F.mul(target, logP), F.mul(oneMinusY, log1mP))), reduction);
    }

    /**
     * Binary cross-entropy on logits, computed stably as {@code softplus(x) - x y} (equal to
     * {@code -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))} but finite for any x).
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return binaryCrossEntropyWithLogits(logits, target, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        String loss = "binary_cross_entropy_with_logits";
        sameShape(loss, logits, target);
        return reduce(loss, F.sub(F.softplus(logits, 1f), F.mul(logits, target)), reduction);
    }

    // ---- multi-class classification ----

    /** Cross-entropy of (N, C) logits against class indices, reduced by mean, no label smoothing. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, Reduction.MEAN, 0);
    }

    /** As {@link #crossEntropy(Tensor, int[])} with the class indices held in an (N) tensor of integral values. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return crossEntropy(logits, indices("cross_entropy", targets), Reduction.MEAN, 0);
    }

    /**
     * Cross-entropy of (N, C) logits against class indices: {@code -sum_c q_c log softmax(x)_c} per sample with
     * {@code q = (1 - labelSmoothing) onehot(y) + labelSmoothing / C}, as PyTorch's {@code label_smoothing}.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, Reduction reduction, double labelSmoothing) {
        String loss = "cross_entropy";
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(loss + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        long classes = checkClassification(loss, logits, targets);
        Tensor weights = targetDistribution(targets, (int) classes, labelSmoothing, logits.device());
        return crossEntropyAgainst(weights, logits, reduction);
    }

    /**
     * Cross-entropy against {@code targets}: class indices in an (N) tensor of integral values, or, as PyTorch
     * decides by shape, class probabilities of the logits' shape (N, C), smoothed as
     * {@code (1 - labelSmoothing) t + labelSmoothing / C}. Probability targets stay on their device: no copy to the host.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Reduction reduction, double labelSmoothing) {
        String loss = "cross_entropy";
        if (targets == null || logits == null || !targets.shape().equals(logits.shape())) {
            return crossEntropy(logits, indices(loss, targets), reduction, labelSmoothing);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(loss + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(loss + ": input must be (N, C), got shape " + logits.shape());
        }
        Tensor weights = labelSmoothing == 0 ? targets
                : F.add(F.mul(targets, (float) (1 - labelSmoothing)), (float) (labelSmoothing / logits.size(1)));
        return crossEntropyAgainst(weights, logits, reduction);
    }

    /** {@code -sum_c q_c log softmax(x)_c} per sample, reduced. */
    private static Tensor crossEntropyAgainst(Tensor weights, Tensor logits, Reduction reduction) {
        Tensor logProbabilities = F.logSoftmax(logits, 1);
        return reduce("cross_entropy", F.neg(F.sum(F.mul(weights, logProbabilities), false, 1)), reduction);
    }

    /** Negative log-likelihood of (N, C) log-probabilities: {@code -input[i, y_i]}, reduced by mean. */
    public static Tensor nllLoss(Tensor logProbabilities, int[] targets) {
        return nllLoss(logProbabilities, targets, Reduction.MEAN);
    }

    public static Tensor nllLoss(Tensor logProbabilities, int[] targets, Reduction reduction) {
        String loss = "nll_loss";
        long classes = checkClassification(loss, logProbabilities, targets);
        Tensor oneHot = targetDistribution(targets, (int) classes, 0, logProbabilities.device());
        return reduce(loss, F.neg(F.sum(F.mul(oneHot, logProbabilities), false, 1)), reduction);
    }

    public static Tensor nllLoss(Tensor logProbabilities, Tensor targets, Reduction reduction) {
        return nllLoss(logProbabilities, indices("nll_loss", targets), reduction);
    }

    /**
     * PyTorch's {@code MultiMarginLoss} with p = 1: per sample
     * {@code sum_{j != y} max(0, margin - x[y] + x[j]) / C}, reduced by mean, margin 1.
     */
    public static Tensor multiMarginLoss(Tensor input, int[] targets) {
        return multiMarginLoss(input, targets, 1f, Reduction.MEAN);
    }

    public static Tensor multiMarginLoss(Tensor input, int[] targets, float margin, Reduction reduction) {
        String loss = "multi_margin_loss";
        if (!Float.isFinite(margin)) {
            throw new IllegalArgumentException(loss + ": margin must be finite, got " + margin);
        }
        long classes = checkClassification(loss, input, targets);
        Tensor oneHot = targetDistribution(targets, (int) classes, 0, input.device());
        Tensor others = F.add(F.neg(oneHot), 1f);                                  // 1 - onehot(y)
        Tensor targetScore = F.sum(F.mul(input, oneHot), true, 1);                 // (N, 1): x[y]
        Tensor hinge = F.relu(F.add(F.sub(input, targetScore), margin));            // (N, C)
        Tensor perSample = F.div(F.sum(F.mul(hinge, others), false, 1), (float) classes);
        return reduce(loss, perSample, reduction);
    }

    // ---- distributions ----

    /**
     * PyTorch's {@code kl_div}: {@code input} holds log-probabilities, {@code target} probabilities (finite, >= 0);
     * pointwise {@code target (log target - input)}, taken as 0 where target is 0. {@link Reduction#BATCHMEAN}
     * divides the sum by the batch size (the mathematically correct KL per sample); {@link Reduction#MEAN} divides by
     * the element count, as PyTorch does.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction) {
        String loss = "kl_div";
        sameShape(loss, input, target);
        float outside = farthestOutside(target, false);
        if (!(outside <= 0)) {
            throw new IllegalArgumentException(loss + ": target holds " + (Float.isNaN(outside) ? "NaN or infinity"
                    : "a negative value " + -outside) + ", not a probability");
        }
        // xlogy(t, t): t log t, and 0 where t = 0 (the clamp turns log 0 into a finite value that 0 multiplies).
        Tensor entropyTerm = F.mul(target, F.log(target, XLOGY_LOG_CLAMP));
        Tensor pointwise = F.sub(entropyTerm, F.mul(target, input));
        if (reduction == Reduction.BATCHMEAN) {
            long batch = input.rank() == 0 ? 1 : input.size(0);
            return F.div(F.sum(pointwise), (float) batch);
        }
        return reduce(loss, pointwise, reduction);
    }

    // ---- helpers ----

    private static Tensor reduce(String loss, Tensor values, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(loss + ": reduction is null");
        }
        return switch (reduction) {
            case NONE -> values;
            case MEAN -> F.mean(values);
            case SUM -> F.sum(values);
            case BATCHMEAN -> throw new IllegalArgumentException(loss + ": reduction BATCHMEAN is only for kl_div");
        };
    }

    private static void sameShape(String loss, Tensor input, Tensor target) {
        if (input == null || target == null) {
            throw new IllegalArgumentException(loss + ": " + (input == null ? "input" : "target") + " is null");
        }
        if (!input.shape().equals(target.shape())) {
            throw new IllegalArgumentException(loss + ": target shape " + target.shape() + " != input shape " + input.shape());
        }
    }

    /** Checks (N, C) scores against N class indices in [0, C); returns C. */
    private static long checkClassification(String loss, Tensor scores, int[] targets) {
        if (scores == null || targets == null) {
            throw new IllegalArgumentException(loss + ": " + (scores == null ? "input" : "targets") + " is null");
        }
        if (scores.rank() != 2) {
            throw new IllegalArgumentException(loss + ": input must be (N, C), got shape " + scores.shape());
        }
        long n = scores.size(0);
        long classes = scores.size(1);
        if (targets.length != n) {
            throw new IllegalArgumentException(loss + ": " + targets.length + " targets for a batch of " + n
                    + " (input shape " + scores.shape() + ")");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= classes) {
                throw new IllegalArgumentException(loss + ": target " + i + " = " + targets[i] + " is not a class index in [0, "
                        + classes + ")");
            }
        }
        return classes;
    }

    /** Class indices from an (N) tensor of integral values. */
    private static int[] indices(String loss, Tensor targets) {
        if (targets == null) {
            throw new IllegalArgumentException(loss + ": targets is null");
        }
        if (targets.rank() != 1) {
            throw new IllegalArgumentException(loss + ": class-index targets must be rank 1 (N), got shape " + targets.shape());
        }
        float[] values = targets.toFloatArray();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || Math.abs(values[i]) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(loss + ": target " + i + " = " + values[i] + " is not a class index");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    /** (N, C) rows {@code (1 - smoothing) onehot(y_i) + smoothing / C}, on {@code device} (one copy there). */
    private static Tensor targetDistribution(int[] targets, int classes, double smoothing, Device device) {
        float[] q = new float[targets.length * classes];
        float off = (float) (smoothing / classes);
        float on = (float) (1 - smoothing + smoothing / classes);
        for (int i = 0; i < targets.length; i++) {
            for (int c = 0; c < classes; c++) {
                q[i * classes + c] = c == targets[i] ? on : off;
            }
        }
        Tensor host = Tensor.of(q, targets.length, classes);
        if (device.isHost()) {
            return host;
        }
        try (host) {
            return host.to(device);
        }
    }

    /**
     * How far the farthest element of {@code values} lies below 0 (or, with {@code upToOne}, outside [0, 1]): at most
     * 0 when every element is inside, NaN when one is NaN or infinite. Computed by the backend; one scalar is read.
     */
    private static float farthestOutside(Tensor values, boolean upToOne) {
        if (values.numel() == 0) {
            return 0f;
        }
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor below = F.mul(values, -1f);
            Tensor outside = upToOne ? F.maximum(below, F.sub(values, 1f)) : below;
            // x * 0 is 0 for finite x and NaN for NaN or infinity: the sum carries any of those into the result.
            Tensor nonFinite = F.sum(F.mul(values, 0f), false);
            return F.add(F.max(outside, false), nonFinite).item();
        }
    }
}
