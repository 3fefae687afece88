package org.jdnn.ops;

import org.jdnn.tensor.Tensor;

/**
 * How an op's gradient flows back, declared beside the op: from the gradient of its first output, one gradient per
 * input (the input's shape), null where {@code needs[i]} is false or the input is absent. It computes only by
 * calling other ops through {@code calls}, so it runs on whatever backend owns the tensors.
 */
@FunctionalInterface
public interface Derivative<P> {
    Tensor[] gradients(P params, Tensor[] inputs, Tensor[] outputs, Tensor gradOutput, boolean[] needs, OpCalls calls);
}
