package org.jdnn.train;

import org.jdnn.data.Batch;
import org.jdnn.tensor.Tensor;

/** How a batch's scalar loss is computed from the model's output, e.g. {@code (out, b) -> Losses.crossEntropy(out, b.labelArray())}. */
@FunctionalInterface
public interface LossFunction {
    Tensor loss(Tensor output, Batch batch);
}
