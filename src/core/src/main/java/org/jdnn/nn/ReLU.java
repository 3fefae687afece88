package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/** The rectified linear unit, max(x, 0), element-wise (PyTorch's {@code nn.ReLU}). */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return F.relu(input);
    }
}
