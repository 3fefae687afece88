package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of conv_transpose2d (PyTorch layouts): input (N, C, H, W), weight (C, O/groups, KH, KW),
 * optional bias (O), output (N, O, OH, OW) with
 * {@code OH = (H-1)*strideH - padTop - padBottom + dilationH*(KH-1) + outputPaddingH + 1} (likewise OW).
 * Every dimension must be positive.
 */
public record ConvTranspose2dShapes(long batch, long inChannels, long inH, long inW, long outChannels, long kernelH,
                                    long kernelW, long outH, long outW, long groups, Shape input, Shape weight,
                                    Shape output) {

    /** Validates the operands and infers the output shape; throws IllegalArgumentException naming the op and the value. */
    public static ConvTranspose2dShapes infer(Shape input, Shape weight, Shape bias, ConvTranspose2dParams params) {
        String op = "conv_transpose2d";
        Conv2dShapes.requireImage(op, "input", input);
        Conv2dShapes.requireImage(op, "weight", weight);
        Conv2dParams p = params.conv();
        long n = input.dim(0), c = input.dim(1), h = input.dim(2), w = input.dim(3);
        long g = p.groups(), kh = weight.dim(2), kw = weight.dim(3);
        if (c % g != 0) {
            throw new IllegalArgumentException(op + ": input channels " + c + " not divisible by groups " + g);
        }
        if (c != weight.dim(0)) {
            throw new IllegalArgumentException(op + ": input channels " + c + " != weight in-channels " + weight.dim(0)
                    + " (input " + input + ", weight " + weight + ", groups " + g + ")");
        }
        long o = weight.dim(1) * g;
        Conv2dShapes.requireBias(op, bias, o);
        long oh = outputSize(op, "height", h, kh, p.strideH(), p.padTop(), p.padBottom(), p.dilationH(), params.outputPaddingH());
        long ow = outputSize(op, "width", w, kw, p.strideW(), p.padLeft(), p.padRight(), p.dilationW(), params.outputPaddingW());
        return new ConvTranspose2dShapes(n, c, h, w, o, kh, kw, oh, ow, g, input, weight, Shape.of(n, o, oh, ow));
    }

    private static long outputSize(String op, String axis, long size, long kernel, long stride, long padBefore,
                                   long padAfter, long dilation, long outputPadding) {
        long out = (size - 1) * stride - padBefore - padAfter + dilation * (kernel - 1) + outputPadding + 1;
        if (out < 1) {
            throw new IllegalArgumentException(op + ": output " + axis + " " + out + " < 1 (input " + axis + " " + size
                    + ", kernel " + kernel + ", stride " + stride + ", padding " + padBefore + "+" + padAfter
                    + ", dilation " + dilation + ", output padding " + outputPadding + ")");
        }
        return out;
    }

    /** Multiply-adds per input element (the transposed op scatters each input over this many outputs). */
    public long fanOut() {
        return (outChannels / groups) * kernelH * kernelW;
    }
}
