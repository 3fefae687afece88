package org.jdnn.ops;

/**
 * Parameters of 2-d pooling over NCHW input: the window (kernel), its step (stride), zero-size padding on
 * each side (top, bottom, left, right), the spacing of the window's taps (dilation, 1 = dense) and whether
 * the output size rounds up (ceil mode, as PyTorch: the last window must still start inside the input or
 * the left/top padding).
 */
public record Pool2dParams(PoolAlgorithm algorithm, long kernelH, long kernelW, long strideH, long strideW,
                           long padTop, long padBottom, long padLeft, long padRight,
                           long dilationH, long dilationW, boolean ceilMode) {
    /** Bound on every size parameter, so products of them cannot overflow. */
    static final long MAX_PARAM = 1 << 20;

    public Pool2dParams {
        if (algorithm == null) {
            throw new IllegalArgumentException("pool2d: algorithm is null");
        }
        String op = algorithm.opName();
        positive(op, "kernel height", kernelH);
        positive(op, "kernel width", kernelW);
        positive(op, "stride height", strideH);
        positive(op, "stride width", strideW);
        positive(op, "dilation height", dilationH);
        positive(op, "dilation width", dilationW);
        nonNegative(op, "top padding", padTop);
        nonNegative(op, "bottom padding", padBottom);
        nonNegative(op, "left padding", padLeft);
        nonNegative(op, "right padding", padRight);
    }

    private static void positive(String op, String what, long value) {
        if (value < 1 || value > MAX_PARAM) {
            throw new IllegalArgumentException(op + ": " + what + " must be in [1, " + MAX_PARAM + "], got " + value);
        }
    }

    private static void nonNegative(String op, String what, long value) {
        if (value < 0 || value > MAX_PARAM) {
            throw new IllegalArgumentException(op + ": " + what + " must be in [0, " + MAX_PARAM + "], got " + value);
        }
    }

    /** Max pooling with a square window, stride and symmetric padding (PyTorch's {@code MaxPool2d(k, s, p)}). */
    public static Pool2dParams max(long kernel, long stride, long padding) {
        return new Pool2dParams(PoolAlgorithm.MAX, kernel, kernel, stride, stride, padding, padding, padding, padding,
                1, 1, false);
    }

    /** Average pooling with a square window, stride and symmetric padding (PyTorch's {@code AvgPool2d}). */
    public static Pool2dParams avg(long kernel, long stride, long padding, boolean countIncludePad) {
        return new Pool2dParams(countIncludePad ? PoolAlgorithm.AVG_INCLUDE_PADDING : PoolAlgorithm.AVG_EXCLUDE_PADDING,
                kernel, kernel, stride, stride, padding, padding, padding, padding, 1, 1, false);
    }

    public Pool2dParams withKernel(long height, long width) {
        return new Pool2dParams(algorithm, height, width, strideH, strideW, padTop, padBottom, padLeft, padRight,
                dilationH, dilationW, ceilMode);
    }

    public Pool2dParams withStride(long height, long width) {
        return new Pool2dParams(algorithm, kernelH, kernelW, height, width, padTop, padBottom, padLeft, padRight,
                dilationH, dilationW, ceilMode);
    }

    public Pool2dParams withPadding(long top, long bottom, long left, long right) {
        return new Pool2dParams(algorithm, kernelH, kernelW, strideH, strideW, top, bottom, left, right,
                dilationH, dilationW, ceilMode);
    }

    public Pool2dParams withDilation(long height, long width) {
        return new Pool2dParams(algorithm, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight,
                height, width, ceilMode);
    }

    public Pool2dParams withCeilMode(boolean ceil) {
        return new Pool2dParams(algorithm, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight,
                dilationH, dilationW, ceil);
    }

    /** The span of the window along the height, taps and gaps: {@code (kernelH - 1) * dilationH + 1}. */
    public long effectiveKernelH() {
        return (kernelH - 1) * dilationH + 1;
    }

    public long effectiveKernelW() {
        return (kernelW - 1) * dilationW + 1;
    }
}
