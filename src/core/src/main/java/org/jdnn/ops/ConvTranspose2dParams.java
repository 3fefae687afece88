package org.jdnn.ops;

/**
 * Parameters of a 2-D transposed convolution (PyTorch's ConvTranspose2d): the {@link Conv2dParams} of the
 * convolution it is the adjoint of (stride, padding per side, dilation, groups), plus the output padding
 * added to the bottom and right of the output to pick among the input sizes that convolution maps to the
 * same output size. As in PyTorch, each output padding must be smaller than the stride or the dilation.
 */
public record ConvTranspose2dParams(Conv2dParams conv, long outputPaddingH, long outputPaddingW) {
    public static final ConvTranspose2dParams DEFAULT = of(1, 0);

    public ConvTranspose2dParams {
        if (conv == null) {
            throw new IllegalArgumentException("conv_transpose2d: conv params are null");
        }
        check("H", outputPaddingH, conv.strideH(), conv.dilationH());
        check("W", outputPaddingW, conv.strideW(), conv.dilationW());
    }

    private static void check(String axis, long outputPadding, long stride, long dilation) {
        if (outputPadding < 0) {
            throw new IllegalArgumentException("conv_transpose2d: output padding " + axis + " must be >= 0, got " + outputPadding);
        }
        if (outputPadding >= stride && outputPadding >= dilation) {
            throw new IllegalArgumentException("conv_transpose2d: output padding " + axis + " " + outputPadding
                    + " must be smaller than stride " + stride + " or dilation " + dilation);
        }
    }

    /** Symmetric stride and padding, no output padding, dense kernel, one group. */
    public static ConvTranspose2dParams of(long stride, long padding) {
        return new ConvTranspose2dParams(Conv2dParams.of(stride, padding), 0, 0);
    }

    /** Symmetric stride, padding, output padding and dilation, with {@code groups} groups. */
    public static ConvTranspose2dParams of(long stride, long padding, long outputPadding, long dilation, long groups) {
        return new ConvTranspose2dParams(Conv2dParams.of(stride, padding, dilation, groups), outputPadding, outputPadding);
    }
}
