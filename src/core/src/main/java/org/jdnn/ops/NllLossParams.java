package org.jdnn.ops;

/**
 * The options of {@code nll_loss} as PyTorch's, plus cross-entropy's label smoothing (applied to the log-probabilities
 * the kernel is given, so {@code nll_loss(log_softmax(x), ...)} with smoothing is cross-entropy with smoothing).
 *
 * @param reduction      none, mean (divided by the sum of the weights of the non-ignored targets) or sum
 * @param ignoreIndex    targets equal to it contribute nothing (neither loss nor weight); any value, -100 by default
 * @param labelSmoothing in [0, 1]: each counted element's loss is {@code (1 - s) nll + s / C sum_c -w_c x_c}
 */
public record NllLossParams(LossReduction reduction, long ignoreIndex, double labelSmoothing) {
    /** PyTorch's default {@code ignore_index}. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    public NllLossParams {
        Axes.requireNonNull("nll_loss", "reduction", reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("nll_loss: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    /** The defaults: mean, ignore index -100, no smoothing. */
    public static NllLossParams of(LossReduction reduction) {
        return new NllLossParams(reduction, DEFAULT_IGNORE_INDEX, 0);
    }
}
