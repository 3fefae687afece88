package org.jdnn.loss;

import org.jdnn.tensor.Tensor;

/**
 * The keyword arguments of PyTorch's {@code cross_entropy} and {@code nll_loss}, with PyTorch's defaults:
 * <pre>{@code
 * Losses.crossEntropy(logits, target, CrossEntropyOptions.builder().weight(w).ignoreIndex(0).labelSmoothing(0.1).build());
 * }</pre>
 *
 * @param weight         per-class weights (C), or null for all 1
 * @param ignoreIndex    class-index targets equal to it contribute neither loss nor weight (default -100); with
 *                       class-probability targets it must stay negative, as in PyTorch
 * @param reduction      {@link Reduction#MEAN} (default: divided by the summed weights of the non-ignored targets),
 *                       {@link Reduction#SUM} or {@link Reduction#NONE}
 * @param labelSmoothing in [0, 1] (default 0); cross-entropy only
 */
public record CrossEntropyOptions(Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
    /** PyTorch's defaults: no weight, ignore index -100, mean, no smoothing. */
    public static final CrossEntropyOptions DEFAULTS = new CrossEntropyOptions(null, -100, Reduction.MEAN, 0);

    public CrossEntropyOptions {
        if (reduction == null) {
            throw new IllegalArgumentException("cross_entropy: reduction is null");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("cross_entropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds options from PyTorch's defaults. */
    public static final class Builder {
        private Tensor weight;
        private long ignoreIndex = -100;
        private Reduction reduction = Reduction.MEAN;
        private double labelSmoothing;

        private Builder() {
        }

        public Builder weight(Tensor value) {
            weight = value;
            return this;
        }

        public Builder ignoreIndex(long value) {
            ignoreIndex = value;
            return this;
        }

        public Builder reduction(Reduction value) {
            reduction = value;
            return this;
        }

        public Builder labelSmoothing(double value) {
            labelSmoothing = value;
            return this;
        }

        public CrossEntropyOptions build() {
            return new CrossEntropyOptions(weight, ignoreIndex, reduction, labelSmoothing);
        }
    }
}
