package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Tensor;

/**
 * 2-D average pooling over NCHW input, PyTorch's {@code nn.AvgPool2d}: the stride defaults to the kernel size
 * and padded positions count in the divisor unless {@code countIncludePad} is false.
 */
public class AvgPool2d extends Module {
    private final Pool2dParams params;

    /** Window {@code kernel}, stride {@code kernel}, no padding. */
    public AvgPool2d(long kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(long kernel, long stride, long padding) {
        this(kernel, stride, padding, true);
    }

    public AvgPool2d(long kernel, long stride, long padding, boolean countIncludePad) {
        this(Pool2dParams.avg(kernel, stride, padding, countIncludePad));
    }

    /** PyTorch's {@code AvgPool2d(kernel, stride, padding, ceil_mode, count_include_pad)}. */
    public AvgPool2d(long kernel, long stride, long padding, boolean ceilMode, boolean countIncludePad) {
        this(Pool2dParams.avg(kernel, stride, padding, countIncludePad).withCeilMode(ceilMode));
    }

    /** The general form (rectangular windows, per-side padding, ceil mode). */
    public AvgPool2d(Pool2dParams params) {
        if (params == null || params.algorithm() == PoolAlgorithm.MAX) {
            throw new IllegalArgumentException("AvgPool2d: params must use an average algorithm, got "
                    + (params == null ? null : params.algorithm()));
        }
        this.params = params;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.pool2d(input, params);
    }

    public Pool2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        String s = "kernel_size=" + Repr.intOrPair(params.kernelH(), params.kernelW())
                + ", stride=" + Repr.intOrPair(params.strideH(), params.strideW())
                + ", padding=" + Repr.padding(params);
        if (params.ceilMode()) {
            s += ", ceil_mode=True";
        }
        if (params.algorithm() == PoolAlgorithm.AVG_EXCLUDE_PADDING) {
            s += ", count_include_pad=False";
        }
        return s;
    }
}
