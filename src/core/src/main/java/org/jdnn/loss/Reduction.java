package org.jdnn.loss;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The per-element (or per-sample) losses, unreduced. */
    NONE,
    /** Their mean (the default). */
    MEAN,
    /** Their sum. */
    SUM,
    /** The sum divided by the batch size (the first dimension); only {@link Losses#klDiv} accepts it. */
    BATCHMEAN
}
