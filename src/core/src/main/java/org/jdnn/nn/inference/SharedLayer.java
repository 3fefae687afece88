package org.jdnn.nn.inference;

import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;

/**
 * A layer without parameters or buffers (pooling, flatten, upsampling) used by an optimised module as it is: not
 * registered as a child, so closing or switching the mode of the optimised module leaves the original's layer alone.
 */
final class SharedLayer extends Module {
    private final Module layer;

    SharedLayer(Module layer) {
        this.layer = layer;
    }

    @Override
    public Tensor forward(Tensor input) {
        return layer.forward(input);
    }

    @Override
    public String toString() {
        return layer.toString();
    }
}
