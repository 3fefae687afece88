package org.jdnn.ops;

/**
 * Parameters of a 2-D convolution, PyTorch's meaning: stride, zero padding per side (top, bottom, left,
 * right), dilation (1 = dense kernel; oneDNN counts dilation as this minus 1) and groups (input and output
 * channels are split into {@code groups} independent convolutions; groups = channels is depthwise).
 * Transposed convolution reuses these through {@link ConvTranspose2dParams}. {@code precision} is the arithmetic
 * ({@link Precision}; FP32 unless {@code Autocast.bf16()} set it), carried to the backward passes.
 */
public record Conv2dParams(long strideH, long strideW, long padTop, long padBottom, long padLeft, long padRight,
                           long dilationH, long dilationW, long groups, Precision precision) {
    /**
     * Bound on every parameter, so the shape arithmetic on them cannot overflow a long and oneDNN is never handed
     * sizes it would mis-handle (a stride of 2^63 - 1 used to reach it).
     */
    public static final long MAX_PARAM = 1 << 20;

    /** Stride 1, no padding, dense kernel, one group. */
    public static final Conv2dParams DEFAULT = of(1, 0);

    public Conv2dParams {
        Axes.requireNonNull("conv2d", "precision", precision);
        positive("stride", strideH, strideW);
        positive("dilation", dilationH, dilationW);
        positive("groups", groups);
        for (long pad : new long[] {padTop, padBottom, padLeft, padRight}) {
            if (pad < 0 || pad > MAX_PARAM) {
                throw new IllegalArgumentException("conv2d: padding must be in [0, " + MAX_PARAM + "], got top " + padTop
                        + " bottom " + padBottom + " left " + padLeft + " right " + padRight);
            }
        }
    }

    /** Float32 arithmetic (the precision most code means). */
    public Conv2dParams(long strideH, long strideW, long padTop, long padBottom, long padLeft, long padRight,
                        long dilationH, long dilationW, long groups) {
        this(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups, Precision.FP32);
    }

    private static void positive(String name, long... values) {
        for (long v : values) {
            if (v < 1 || v > MAX_PARAM) {
                throw new IllegalArgumentException("conv2d: " + name + " must be in [1, " + MAX_PARAM + "], got " + v);
            }
        }
    }

    /** The same stride and the same padding on every side, dense kernel, one group. */
    public static Conv2dParams of(long stride, long padding) {
        return of(stride, padding, 1, 1);
    }

    /** The same stride, padding and dilation in both directions, with {@code groups} groups. */
    public static Conv2dParams of(long stride, long padding, long dilation, long groups) {
        return new Conv2dParams(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
    }

    /** These parameters with {@code groups} groups. */
    public Conv2dParams withGroups(long groups) {
        return new Conv2dParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups, precision);
    }

    /** These parameters with the same dilation in both directions. */
    public Conv2dParams withDilation(long dilation) {
        return new Conv2dParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dilation, dilation, groups, precision);
    }

    /** These parameters with per-side padding. */
    public Conv2dParams withPadding(long top, long bottom, long left, long right) {
        return new Conv2dParams(strideH, strideW, top, bottom, left, right, dilationH, dilationW, groups, precision);
    }

    /** These parameters run in {@code precision}. */
    public Conv2dParams withPrecision(Precision precision) {
        return new Conv2dParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups,
                precision);
    }
}
