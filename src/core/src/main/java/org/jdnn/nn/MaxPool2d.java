package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.autograd.MaxPoolWithIndices;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Tensor;

/** 2-D max pooling over NCHW input, PyTorch's {@code nn.MaxPool2d} (the stride defaults to the kernel size). */
public class MaxPool2d extends Module {
    private final Pool2dParams params;

    /** Window {@code kernel}, stride {@code kernel}, no padding. */
    public MaxPool2d(long kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(long kernel, long stride, long padding) {
        this(Pool2dParams.max(kernel, stride, padding));
    }

    /** With dilation and ceil mode, PyTorch's {@code MaxPool2d(kernel, stride, padding, dilation, ceil_mode=...)}. */
    public MaxPool2d(long kernel, long stride, long padding, long dilation, boolean ceilMode) {
        this(Pool2dParams.max(kernel, stride, padding).withDilation(dilation, dilation).withCeilMode(ceilMode));
    }

    /** The general form (rectangular windows, per-side padding, dilation, ceil mode). */
    public MaxPool2d(Pool2dParams params) {
        if (params == null || params.algorithm() != PoolAlgorithm.MAX) {
            throw new IllegalArgumentException("MaxPool2d: params must use the MAX algorithm, got "
                    + (params == null ? null : params.algorithm()));
        }
        this.params = params;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.pool2d(input, params);
    }

    /**
     * PyTorch's {@code MaxPool2d(..., return_indices=True)}: the output and the flat index of each window's maximum
     * within its plane (for {@link MaxUnpool2d}); {@link #forward} gives the output alone.
     */
    public MaxPoolWithIndices forwardWithIndices(Tensor input) {
        return F.maxPool2dWithIndices(input, params);
    }

    public Pool2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Repr.intOrPair(params.kernelH(), params.kernelW())
                + ", stride=" + Repr.intOrPair(params.strideH(), params.strideW())
                + ", padding=" + Repr.padding(params)
                + ", dilation=" + Repr.intOrPair(params.dilationH(), params.dilationW())
                + ", ceil_mode=" + Repr.bool(params.ceilMode());
    }
}
