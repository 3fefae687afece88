package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.AdaptivePool2dOps;
import org.jdnn.tensor.Tensor;

/**
 * Adaptive 2-D average pooling to a fixed output size whatever the input's, PyTorch's {@code nn.AdaptiveAvgPool2d}
 * (ResNet's head: {@code new AdaptiveAvgPool2d(1)}).
 */
public class AdaptiveAvgPool2d extends Module {
    private final AdaptivePool2dOps.Params params;

    /** A square output of {@code size} x {@code size}. */
    public AdaptiveAvgPool2d(long size) {
        this(size, size);
    }

    public AdaptiveAvgPool2d(long outH, long outW) {
        this.params = new AdaptivePool2dOps.Params(outH, outW);
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.adaptiveAvgPool2d(input, params.outH(), params.outW());
    }

    public AdaptivePool2dOps.Params params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + Repr.intOrPair(params.outH(), params.outW());
    }
}
