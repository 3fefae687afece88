package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.MaxUnpool2dOps;
import org.jdnn.tensor.Tensor;

/**
 * The partial inverse of {@link MaxPool2d}, PyTorch's {@code nn.MaxUnpool2d}: each input value goes to the position
 * its index (from {@link MaxPool2d#forwardWithIndices}) names, zeros elsewhere. The output size defaults to
 * {@code (in - 1) * stride - 2 * padding + kernel}; {@link #forward(Tensor, Tensor, long, long)} gives it explicitly
 * (PyTorch's {@code output_size}), as after pooling an odd size.
 */
public class MaxUnpool2d extends Module {
    private final long kernel;
    private final long stride;
    private final long padding;

    /** Window {@code kernel}, stride {@code kernel}, no padding. */
    public MaxUnpool2d(long kernel) {
        this(kernel, kernel, 0);
    }

    public MaxUnpool2d(long kernel, long stride, long padding) {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("MaxUnpool2d: kernel and stride must be >= 1 and padding >= 0, got "
                    + kernel + ", " + stride + ", " + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Unpooling needs the indices: use {@link #forward(Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("MaxUnpool2d: forward needs the indices, call forward(input, indices)");
    }

    /** Unpools to the default output size. */
    public Tensor forward(Tensor input, Tensor indices) {
        return F.maxUnpool2d(input, indices, kernel, stride, padding);
    }

    /** Unpools to {@code (outH, outW)}. */
    public Tensor forward(Tensor input, Tensor indices, long outH, long outW) {
        return F.maxUnpool2d(input, indices, outH, outW);
    }

    /** The default output size for {@code input}. */
    public MaxUnpool2dOps.Params outputSize(Tensor input) {
        return MaxUnpool2dOps.Params.inverting(input.shape(), kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
