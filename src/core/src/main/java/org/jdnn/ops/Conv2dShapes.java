package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of conv2d: input (N, C, H, W), weight (O, C/groups, KH, KW), optional bias (O), output
 * (N, O, OH, OW) with {@code OH = floor((H + padTop + padBottom - dilationH*(KH-1) - 1) / strideH) + 1}
 * (likewise OW). Every dimension must be positive.
 */
public record Conv2dShapes(long batch, long inChannels, long inH, long inW, long outChannels, long kernelH,
                           long kernelW, long outH, long outW, long groups, Shape input, Shape weight, Shape output) {

    /** Validates the operands and infers the output shape; throws IllegalArgumentException naming the op and the value. */
    public static Conv2dShapes infer(Shape input, Shape weight, Shape bias, Conv2dParams params) {
        String op = "conv2d";
        requireImage(op, "input", input);
        requireImage(op, "weight", weight);
        long n = input.dim(0), c = input.dim(1), h = input.dim(2), w = input.dim(3);
        long o = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
        long g = params.groups();
        if (c % g != 0) {
            throw new IllegalArgumentException(op + ": input channels " + c + " not divisible by groups " + g);
        }
        if (o % g != 0) {
            throw new IllegalArgumentException(op + ": output channels " + o + " (weight " + weight
                    + ") not divisible by groups " + g);
        }
        if (c != weight.dim(1) * g) {
            throw new IllegalArgumentException(op + ": input channels " + c + " != weight in-channels*groups "
                    + weight.dim(1) * g + " (input " + input + ", weight " + weight + ", groups " + g + ")");
        }
        requireBias(op, bias, o);
        long oh = outputSize(op, "height", h, kh, params.strideH(), params.padTop(), params.padBottom(), params.dilationH());
        long ow = outputSize(op, "width", w, kw, params.strideW(), params.padLeft(), params.padRight(), params.dilationW());
        return new Conv2dShapes(n, c, h, w, o, kh, kw, oh, ow, g, input, weight, Shape.of(n, o, oh, ow));
    }

    private static long outputSize(String op, String axis, long size, long kernel, long stride, long padBefore,
                                   long padAfter, long dilation) {
        long padded = size + padBefore + padAfter;
        long extent = dilation * (kernel - 1) + 1;
        if (extent > padded) {
            throw new IllegalArgumentException(op + ": dilated kernel " + axis + " " + extent + " (kernel " + kernel
                    + ", dilation " + dilation + ") > padded input " + axis + " " + padded);
        }
        return (padded - extent) / stride + 1;
    }

    /** Throws unless {@code shape} is rank 4 with positive dimensions. */
    static void requireImage(String op, String name, Shape shape) {
        if (shape.rank() != 4) {
            throw new IllegalArgumentException(op + ": " + name + " must be rank 4, got " + shape);
        }
        for (int i = 0; i < 4; i++) {
            if (shape.dim(i) < 1) {
                throw new IllegalArgumentException(op + ": " + name + " " + shape + " has a zero dimension " + i);
            }
        }
    }

    /** Throws unless bias is null or of shape (channels). */
    static void requireBias(String op, Shape bias, long channels) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != channels)) {
            throw new IllegalArgumentException(op + ": bias shape " + bias + " must be [" + channels + "] (output channels)");
        }
    }

    /** Throws unless {@code actual} (the tensor named {@code name}) equals {@code expected}. */
    public static void requireShape(String op, String name, Shape actual, Shape expected) {
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + actual + " != expected " + expected);
        }
    }

    /** Multiply-adds per output element of the forward pass. */
    public long reductionLength() {
        return (inChannels / groups) * kernelH * kernelW;
    }

    public double flops() {
        return 2.0 * batch * outChannels * outH * outW * reductionLength();
    }
}
