package org.jdnn.autograd;

import org.jdnn.tensor.Tensor;

/**
 * Max pooling's output and the index of each window's maximum (PyTorch's {@code return_indices=True} pair): the
 * flat position {@code ih * W + iw} within the (n, c) plane, int64 as PyTorch's.
 * The output is differentiable, the indices are not. Closing it closes both.
 */
public record MaxPoolWithIndices(Tensor output, Tensor indices) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        indices.close();
    }
}
