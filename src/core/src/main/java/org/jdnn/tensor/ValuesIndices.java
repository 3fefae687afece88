package org.jdnn.tensor;

/**
 * The result of {@code max(dim)} and {@code min(dim)}: the extreme values and their int64 indices along the dimension,
 * as PyTorch's {@code (values, indices)} named tuple. Closing it closes both.
 */
public record ValuesIndices(Tensor values, Tensor indices) implements AutoCloseable {
    @Override
    public void close() {
        try {
            values.close();
        } finally {
            indices.close();
        }
    }
}
