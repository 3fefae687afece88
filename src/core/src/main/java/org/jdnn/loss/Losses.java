package org.jdnn.loss;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.functional.Functional;
import org.jdnn.ops.LossReduction;
import org.jdnn.ops.NllLossParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * Loss functions with PyTorch's names, options and numerics. The class-index losses and binary cross-entropy run
 * kernels of their own ({@code org.jdnn.ops.LossOps}: class indices are checked there, never read on the host); the
 * others are composed from the differentiable ops of {@link F}, so their gradients come from autograd.
 *
 * <pre>{@code
 * Tensor loss = Losses.crossEntropy(logits, labels);            // mean over the batch
 * Tensor smoothed = Losses.crossEntropy(logits, labels,
 *         CrossEntropyOptions.builder().weight(classWeights).ignoreIndex(0).labelSmoothing(0.1).build());
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

    /**
     * PyTorch's {@code smooth_l1_loss}: per element {@code 0.5 d^2 / beta} where {@code |d| < beta}, else
     * {@code |d| - 0.5 beta}, with {@code d = input - target}; beta 0 is the L1 loss. The two pieces are selected
     * with {@code where}, as PyTorch's kernel selects, so the gradient is {@code d / beta} or {@code sign(d)} to float32
     * rounding (a sum of both pieces through {@code min(|d|, beta)} would cancel {@code 1 - 1} and lose bits).
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        String loss = "smooth_l1_loss";
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException(loss + ": beta must be finite and >= 0, got " + beta);
        }
        sameShape(loss, input, target);
        if (beta == 0) {
            return reduce(loss, F.abs(F.sub(input, target)), reduction);
        }
        Tensor d = F.sub(input, target);
        Tensor a = F.abs(d);
        // clamped, so that an infinite d in the unselected piece sends back 0 rather than inf * 0
        Tensor quadratic = F.div(F.mul(F.square(F.clamp(d, (float) -beta, (float) beta)), 0.5f), (float) beta);
        Tensor linear = F.sub(a, (float) (0.5 * beta));
        return reduce(loss, F.where(a.lt(beta), quadratic, linear), reduction);
    }

    /** {@link #smoothL1Loss(Tensor, Tensor, Reduction, double)} with PyTorch's default beta 1, reduced by mean. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target) {
        return smoothL1Loss(input, target, Reduction.MEAN, 1);
    }

    /**
     * PyTorch's {@code huber_loss}: per element {@code 0.5 d^2} where {@code |d| < delta}, else
     * {@code delta (|d| - 0.5 delta)}: {@code delta} times the smooth L1 loss with beta = delta. The pieces are
     * selected with {@code where}, as in {@link #smoothL1Loss(Tensor, Tensor, Reduction, double)}.
     */
    public static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) {
        String loss = "huber_loss";
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException(loss + ": delta must be finite and > 0, got " + delta);
        }
        sameShape(loss, input, target);
        Tensor d = F.sub(input, target);
        Tensor a = F.abs(d);
        Tensor quadratic = F.mul(F.square(F.clamp(d, (float) -delta, (float) delta)), 0.5f);
        Tensor linear = F.mul(F.sub(a, (float) (0.5 * delta)), (float) delta);
        return reduce(loss, F.where(a.lt(delta), quadratic, linear), reduction);
    }

    /** {@link #huberLoss(Tensor, Tensor, Reduction, double)} with PyTorch's default delta 1, reduced by mean. */
    public static Tensor huberLoss(Tensor input, Tensor target) {
        return huberLoss(input, target, Reduction.MEAN, 1);
    }

    // ---- binary classification ----

    /**
     * Binary cross-entropy on probabilities: {@code -(y log p + (1 - y) log(1 - p))} with both logs clamped at
     * {@value #BCE_LOG_CLAMP}; the input must lie in [0, 1] (checked by the kernel).
     */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return binaryCrossEntropy(probabilities, target, null, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target, Reduction reduction) {
        return binaryCrossEntropy(probabilities, target, null, reduction);
    }

    /**
     * PyTorch's {@code binary_cross_entropy(input, target, weight, reduction)}: the per-element loss times
     * {@code weight} (null, or broadcastable to the target's shape), then reduced. Its gradient in p is
     * {@code w (p - y) / max(p (1 - p), 1e-12)}, finite at 0, 1 and subnormal p, as PyTorch's.
     */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target, Tensor weight, Reduction reduction) {
        String loss = "binary_cross_entropy";
        sameShape(loss, probabilities, target);
        checkReduction(loss, reduction);
        Tensor values = F.binaryCrossEntropy(probabilities, target);
        return reduce(loss, weighted(loss, values, weight, "weight"), reduction);
    }

    /**
     * Binary cross-entropy on logits, computed stably as PyTorch's {@code (1 - y) x + softplus(-x)} (equal to
     * {@code -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))} but finite for any x).
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return binaryCrossEntropyWithLogits(logits, target, null, null, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        return binaryCrossEntropyWithLogits(logits, target, null, null, reduction);
    }

    /**
     * PyTorch's {@code binary_cross_entropy_with_logits(input, target, weight, pos_weight=..., reduction=...)}: per
     * element {@code w ((1 - y) x + (1 + (posWeight - 1) y) softplus(-x))}. {@code posWeight} (null, or broadcastable
     * to the target: (C) weighs the positives of each class of the last dimension) and {@code weight} (null, or
     * broadcastable to the target) multiply as PyTorch's.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        String loss = "binary_cross_entropy_with_logits";
        sameShape(loss, logits, target);
        checkReduction(loss, reduction);
        Tensor softplusOfMinusX = F.softplus(F.neg(logits), 1f); // -log sigmoid(x)
        if (posWeight != null) {
            requireBroadcastsTo(loss, "pos_weight", posWeight, target.shape());
            softplusOfMinusX = F.mul(softplusOfMinusX, F.add(F.mul(F.sub(posWeight, 1f), target), 1f));
        }
        Tensor values = F.add(F.mul(F.add(F.neg(target), 1f), logits), softplusOfMinusX);
        return reduce(loss, weighted(loss, values, weight, "weight"), reduction);
    }

    // ---- multi-class classification ----

    /** Cross-entropy of (N, C) logits against class indices, reduced by mean, no label smoothing. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, CrossEntropyOptions.DEFAULTS);
    }

    /**
     * Cross-entropy against {@code targets}: class indices, or class probabilities when the target has the input's
     * shape (as PyTorch decides), with PyTorch's defaults.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return crossEntropy(logits, targets, CrossEntropyOptions.DEFAULTS);
    }

    /**
     * Cross-entropy against class indices: {@code -sum_c q_c log softmax(x)_c} per sample with
     * {@code q = (1 - labelSmoothing) onehot(y) + labelSmoothing / C}, as PyTorch's {@code label_smoothing}.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, Reduction reduction, double labelSmoothing) {
        return crossEntropy(logits, targets, options(reduction, labelSmoothing));
    }

    /** As {@link #crossEntropy(Tensor, Tensor, CrossEntropyOptions)} with only a reduction and label smoothing. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Reduction reduction, double labelSmoothing) {
        return crossEntropy(logits, targets, options(reduction, labelSmoothing));
    }

    /** Cross-entropy against class indices given on the host (copied to the input's device, one small copy). */
    public static Tensor crossEntropy(Tensor logits, int[] targets, CrossEntropyOptions options) {
        // The target stays open: the graph's backward reads it (the enclosing scope frees it).
        return crossEntropy(logits, upload("cross_entropy", targets, logits), options);
    }

    /**
     * PyTorch's {@code cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)}. The input is
     * (C), (N, C) or (N, C, d1, ..., dk) logits, the class dimension being 1 (0 for rank 1). The target is either
     * <ul>
     * <li>class indices: shape (), (N) or (N, d1, ..., dk), int64 (or float32 holding integral values): the loss is
     * {@code nll_loss(log_softmax(input), target)} with every option; the mean divides by the summed weights of the
     * non-ignored targets (NaN when all are ignored, as PyTorch); or</li>
     * <li>class probabilities, float32 of the input's shape: {@code -sum_c w_c q_c log softmax(x)_c} with
     * {@code q = (1 - s) target + s / C}; the mean divides by the number of samples (N d1 ... dk); ignore index must
     * stay negative.</li>
     * </ul>
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, CrossEntropyOptions options) {
        String loss = "cross_entropy";
        nonNull(loss, logits, targets, options);
        if (logits.rank() == 0) {
            throw new IllegalArgumentException(loss + ": input must have 1 or more dimensions, got shape " + logits.shape());
        }
        int classDim = logits.rank() == 1 ? 0 : 1;
        long classes = logits.size(classDim);
        if (!targets.shape().equals(logits.shape())) {
            NllLossParams params = nllParams(loss, options, options.labelSmoothing());
            return named(loss, () -> F.nllLoss(F.logSoftmax(logits, classDim), targets, options.weight(), params));
        }
        if (targets.dtype() != logits.dtype()) {
            throw new IllegalArgumentException(loss + ": class-probability targets must have the input's dtype "
                    + logits.dtype() + ", got " + targets.dtype());
        }
        if (options.ignoreIndex() >= 0) {
            throw new IllegalArgumentException(loss + ": ignore index " + options.ignoreIndex()
                    + " is not supported with class-probability targets");
        }
        Tensor weight = options.weight();
        checkClassWeight(loss, weight, classes);
        double s = options.labelSmoothing();
        Tensor q = s == 0 ? targets : F.add(F.mul(targets, (float) (1 - s)), (float) (s / classes));
        Tensor terms = F.mul(F.logSoftmax(logits, classDim), q);
        if (weight != null) {
            long[] view = new long[logits.rank()];
            Arrays.fill(view, 1);
            view[classDim] = classes;
            terms = F.mul(terms, weight.reshape(view));
        }
        return switch (options.reduction()) {
            case NONE -> F.neg(F.sum(terms, false, classDim));
            case SUM -> F.neg(F.sum(terms));
            // N d1 ... dk samples; none (C = 0 or N = 0) gives 0 / 0 = NaN, as PyTorch.
            case MEAN -> F.div(F.neg(F.sum(terms)), classes == 0 ? Float.NaN : (float) (logits.numel() / classes));
            case BATCHMEAN -> throw new IllegalArgumentException(loss + ": reduction BATCHMEAN is only for kl_div");
        };
    }

    /** Negative log-likelihood of (N, C) log-probabilities: {@code -input[i, y_i]}, reduced by mean. */
    public static Tensor nllLoss(Tensor logProbabilities, int[] targets) {
        return nllLoss(logProbabilities, targets, Reduction.MEAN);
    }

    public static Tensor nllLoss(Tensor logProbabilities, int[] targets, Reduction reduction) {
        return nllLoss(logProbabilities, upload("nll_loss", targets, logProbabilities), options(reduction, 0));
    }

    public static Tensor nllLoss(Tensor logProbabilities, Tensor targets, Reduction reduction) {
        return nllLoss(logProbabilities, targets, options(reduction, 0));
    }

    /**
     * PyTorch's {@code nll_loss(input, target, weight, ignore_index, reduction)}: per counted element
     * {@code -w[t] input[n, t, d...]}, shapes as {@link #crossEntropy(Tensor, Tensor, CrossEntropyOptions)}'s class
     * indices; label smoothing is refused (it is cross-entropy's option).
     */
    public static Tensor nllLoss(Tensor logProbabilities, Tensor targets, CrossEntropyOptions options) {
        String loss = "nll_loss";
        nonNull(loss, logProbabilities, targets, options);
        if (options.labelSmoothing() != 0) {
            throw new IllegalArgumentException(loss + ": label smoothing is an option of cross_entropy, got "
                    + options.labelSmoothing());
        }
        return F.nllLoss(logProbabilities, targets, options.weight(), nllParams(loss, options, 0));
    }

    /**
     * PyTorch's {@code MultiMarginLoss} with p = 1: per sample
     * {@code sum_{j != y} max(0, margin - x[y] + x[j]) / C}, reduced by mean, margin 1.
     */
    public static Tensor multiMarginLoss(Tensor input, int[] targets) {
        return multiMarginLoss(input, targets, 1f, Reduction.MEAN);
    }

    public static Tensor multiMarginLoss(Tensor input, int[] targets, float margin, Reduction reduction) {
        return multiMarginLoss(input, targets, 1, margin, null, reduction);
    }

    /** As {@link #multiMarginLoss(Tensor, Tensor, int, float, Tensor, Reduction)}, the targets given on the host. */
    public static Tensor multiMarginLoss(Tensor input, int[] targets, int p, float margin, Tensor weight,
                                         Reduction reduction) {
        return multiMarginLoss(input, upload("multi_margin_loss", targets, input), p, margin, weight, reduction);
    }

    /**
     * PyTorch's {@code multi_margin_loss(input, target, p, margin, weight, reduction)}: input (N, C) or (C), target
     * class indices (N) or (); per sample {@code sum_{j != y} w[y] max(0, margin - x[y] + x[j])^p / C}, p 1 or 2,
     * {@code weight} (C) or null.
     */
    public static Tensor multiMarginLoss(Tensor input, Tensor target, int p, float margin, Tensor weight,
                                         Reduction reduction) {
        String loss = "multi_margin_loss";
        nonNull(loss, input, target, reduction);
        if (p != 1 && p != 2) {
            throw new IllegalArgumentException(loss + ": only p = 1 and p = 2 are supported, got " + p);
        }
        if (!Float.isFinite(margin)) {
            throw new IllegalArgumentException(loss + ": margin must be finite, got " + margin);
        }
        checkReduction(loss, reduction);
        if (input.rank() != 1 && input.rank() != 2) {
            throw new IllegalArgumentException(loss + ": input must be (C) or (N, C), got shape " + input.shape());
        }
        Shape expected = input.rank() == 1 ? Shape.of() : Shape.of(input.size(0));
        if (!target.shape().equals(expected)) {
            throw new IllegalArgumentException(loss + ": target shape " + target.shape() + " does not fit input shape "
                    + input.shape() + " (expected " + expected + ")");
        }
        int classDim = input.rank() - 1;
        long classes = input.size(classDim);
        if (classes == 0) {
            throw new IllegalArgumentException(loss + ": input has no classes, shape " + input.shape());
        }
        checkClassWeight(loss, weight, classes);
        Tensor oneHot = named(loss, () -> Functional.oneHot(target, classes));
        Tensor targetScore = F.sum(F.mul(input, oneHot), true, classDim);              // x[y]
        Tensor hinge = F.relu(F.add(F.sub(input, targetScore), margin));                 // max(0, margin - x[y] + x[j])
        if (p == 2) {
            hinge = F.square(hinge);
        }
        if (weight != null) {
            hinge = F.mul(hinge, F.sum(F.mul(oneHot, weight), true, classDim));          // w[y]
        }
        Tensor others = F.add(F.neg(oneHot), 1f);                                        // j != y
        Tensor perSample = F.div(F.sum(F.mul(hinge, others), false, classDim), (float) classes);
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
        return klDiv(input, target, reduction, false);
    }

    /**
     * PyTorch's {@code kl_div(input, target, reduction, log_target)}: with {@code logTarget} the target holds
     * log-probabilities and the pointwise loss is {@code exp(target) (target - input)}; without, as
     * {@link #klDiv(Tensor, Tensor, Reduction)}.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        String loss = "kl_div";
        sameShape(loss, input, target);
        checkReductionOrBatchMean(loss, reduction);
        Tensor pointwise;
        if (logTarget) {
            pointwise = F.mul(F.exp(target), F.sub(target, input));
        } else {
            float outside = farthestBelowZero(target);
            if (!(outside <= 0)) {
                throw new IllegalArgumentException(loss + ": target holds " + (Float.isNaN(outside) ? "NaN or infinity"
                        : "a negative value " + -outside) + ", not a probability");
            }
            // xlogy(t, t): t log t, and 0 where t = 0 (the clamp turns log 0 into a finite value that 0 multiplies).
            Tensor entropyTerm = F.mul(target, F.log(target, XLOGY_LOG_CLAMP));
            pointwise = F.sub(entropyTerm, F.mul(target, input));
        }
        if (reduction == Reduction.BATCHMEAN) {
            long batch = input.rank() == 0 ? 1 : input.size(0);
            return F.div(F.sum(pointwise), (float) batch);
        }
        return reduce(loss, pointwise, reduction);
    }

    // ---- helpers ----

    private static CrossEntropyOptions options(Reduction reduction, double labelSmoothing) {
        return new CrossEntropyOptions(null, NllLossParams.DEFAULT_IGNORE_INDEX, reduction, labelSmoothing);
    }

    private static NllLossParams nllParams(String loss, CrossEntropyOptions options, double labelSmoothing) {
        LossReduction reduction = switch (options.reduction()) {
            case NONE -> LossReduction.NONE;
            case MEAN -> LossReduction.MEAN;
            case SUM -> LossReduction.SUM;
            case BATCHMEAN -> throw new IllegalArgumentException(loss + ": reduction BATCHMEAN is only for kl_div");
        };
        return new NllLossParams(reduction, options.ignoreIndex(), labelSmoothing);
    }

    /** Runs {@code call}; a refusal from an op it runs is re-thrown naming {@code loss} first. */
    private static Tensor named(String loss, java.util.function.Supplier<Tensor> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(loss + ":")) {
                throw e;
            }
            throw new IllegalArgumentException(loss + ": " + e.getMessage(), e);
        }
    }

    /** Class indices from the host as a tensor on {@code like}'s device (the caller's data: no tensor is read). */
    private static Tensor upload(String loss, int[] targets, Tensor like) {
        if (targets == null || like == null) {
            throw new IllegalArgumentException(loss + ": " + (like == null ? "input" : "targets") + " is null");
        }
        long[] values = new long[targets.length];
        for (int i = 0; i < targets.length; i++) {
            values[i] = targets[i];
        }
        Tensor host = Tensor.ofLongs(values, targets.length);
        Device device = like.device();
        if (device.isHost()) {
            return host;
        }
        try (host) {
            return host.to(device);
        }
    }

    private static void nonNull(String loss, Tensor input, Tensor target, Object options) {
        if (input == null || target == null || options == null) {
            throw new IllegalArgumentException(loss + ": " + (input == null ? "input" : target == null ? "target"
                    : "options") + " is null");
        }
    }

    private static void checkClassWeight(String loss, Tensor weight, long classes) {
        if (weight != null && (weight.rank() != 1 || weight.size(0) != classes)) {
            throw new IllegalArgumentException(loss + ": weight must be defined for all " + classes
                    + " classes or none, got weight shape " + weight.shape());
        }
    }

    private static Tensor weighted(String loss, Tensor values, Tensor weight, String name) {
        if (weight == null) {
            return values;
        }
        requireBroadcastsTo(loss, name, weight, values.shape());
        return F.mul(values, weight);
    }

    /** PyTorch expands {@code tensor} to the target's shape: it must broadcast to exactly that shape. */
    private static void requireBroadcastsTo(String loss, String name, Tensor tensor, Shape shape) {
        boolean fits = tensor.rank() <= shape.rank();
        for (int i = 1; fits && i <= tensor.rank(); i++) {
            long d = tensor.shape().dim(tensor.rank() - i);
            fits = d == 1 || d == shape.dim(shape.rank() - i);
        }
        if (!fits) {
            throw new IllegalArgumentException(loss + ": " + name + " shape " + tensor.shape()
                    + " does not broadcast to the target shape " + shape);
        }
    }

    private static void checkReduction(String loss, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(loss + ": reduction is null");
        }
        if (reduction == Reduction.BATCHMEAN) {
            throw new IllegalArgumentException(loss + ": reduction BATCHMEAN is only for kl_div");
        }
    }

    private static void checkReductionOrBatchMean(String loss, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(loss + ": reduction is null");
        }
    }

    private static Tensor reduce(String loss, Tensor values, Reduction reduction) {
        checkReduction(loss, reduction);
        return switch (reduction) {
            case NONE -> values;
            case MEAN -> F.mean(values);
            case SUM -> F.sum(values);
            case BATCHMEAN -> throw new IllegalStateException("unreachable");
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

    /**
     * How far the farthest element of {@code values} lies below 0: at most 0 when every element is >= 0, NaN when one
     * is NaN or infinite. Computed by the backend; one scalar is read.
     */
    private static float farthestBelowZero(Tensor values) {
        if (values.numel() == 0) {
            return 0f;
        }
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor below = F.mul(values, -1f);
            // x * 0 is 0 for finite x and NaN for NaN or infinity: the sum carries any of those into the result.
            Tensor nonFinite = F.sum(F.mul(values, 0f), false);
            return F.add(F.max(below, false), nonFinite).item();
        }
    }
}
