package org.jdnn.functional;

import org.jdnn.tensor.Tensor;

/** Gradients of batch normalization: of the input, and of scale and shift (null when not asked for). */
public record BatchNormGradients(Tensor input, Tensor scale, Tensor shift) implements AutoCloseable {
    @Override
    public void close() {
        input.close();
        if (scale != null) {
            scale.close();
        }
        if (shift != null) {
            shift.close();
        }
    }
}
