package org.jdnn.autograd;

import org.jdnn.tensor.Tensor;

/**
 * How one recorded op sends the gradient of its output back to its inputs: returns one gradient per input
 * (same shape as that input), or null for an input that needs none ({@code needs[i]} is false).
 */
@FunctionalInterface
public interface BackwardFn {
    Tensor[] apply(Tensor gradOutput, boolean[] needs);
}
