package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/**
 * Flattens dimensions {@code startDim} to {@code endDim} (defaults 1 and -1: keep the batch), PyTorch's
 * {@code nn.Flatten}. A view: the output shares the input's storage.
 */
public class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this(startDim, -1);
    }

    /** Flattens dimensions {@code startDim} to {@code endDim}, both inclusive (negative counts from the end). */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return endDim == -1 ? F.flatten(input, startDim) : F.flatten(input, startDim, endDim);
    }

    /** The first dimension flattened, as given (negative counts from the end). */
    public int startDim() {
        return startDim;
    }

    /** The last dimension flattened, as given (negative counts from the end). */
    public int endDim() {
        return endDim;
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
