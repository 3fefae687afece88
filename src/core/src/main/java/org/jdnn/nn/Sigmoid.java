package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/** The the logistic function 1 / (1 + exp(-x)), element-wise (PyTorch's {@code nn.Sigmoid}). */
public class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return F.sigmoid(input);
    }
}
