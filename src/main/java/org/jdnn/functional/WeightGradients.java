package org.jdnn.functional;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/** The gradients of a layer's weight and bias (bias null when the layer has none). Closing closes both. */
public record WeightGradients(Tensor weight, Tensor bias) implements AutoCloseable {
    static WeightGradients allocate(Shape weightShape, long biasSize) {
        Tensor weight = Tensor.empty(weightShape);
        return new WeightGradients(weight, biasSize < 0 ? null : Tensor.empty(biasSize));
    }

    @Override
    public void close() {
        weight.close();
        if (bias != null) {
            bias.close();
        }
    }
}
