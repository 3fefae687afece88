package org.jdnn.ops;

/** How a loss kernel combines its per-element losses: PyTorch's {@code reduction} ('none', 'mean', 'sum'). */
public enum LossReduction {
    /** One loss per element (per sample and position), unreduced. */
    NONE,
    /** The (weighted) mean: the sum divided by the sum of the weights of the targets counted. */
    MEAN,
    /** The sum. */
    SUM
}
