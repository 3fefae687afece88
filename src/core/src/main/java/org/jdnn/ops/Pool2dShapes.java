package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of 2-d pooling over NCHW input. Along each axis the output size is
 * {@code floor_or_ceil((in + padBefore + padAfter - effectiveKernel) / stride) + 1}; in ceil mode, as in
 * PyTorch, a last window that would start in the trailing padding is dropped. Every window must cover at
 * least one input element (PyTorch's rule: padding at most half the effective kernel on each side).
 *
 * <p>{@code padBottomUsed}/{@code padRightUsed} are the trailing paddings that make the floor formula give the
 * output size exactly: in ceil mode they can exceed the requested ones (the extra part is the ceil-mode
 * overhang, which average pooling with padding counted does not count, as in PyTorch).
 */
public record Pool2dShapes(long batch, long channels, long inH, long inW, long outH, long outW,
                          long padBottomUsed, long padRightUsed, Shape output) {

    /** Validates {@code src} against {@code params} and infers the output; messages name the op and value. */
    public static Pool2dShapes infer(Pool2dParams params, Shape src) {
        if (params == null) {
            throw new IllegalArgumentException("pool2d: params is null");
        }
        String op = params.algorithm().opName();
        if (src == null) {
            throw new IllegalArgumentException(op + ": input shape is null");
        }
        if (src.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must be rank 4 (N, C, H, W), got " + src);
        }
        long n = src.dim(0), c = src.dim(1), h = src.dim(2), w = src.dim(3);
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException(op + ": input spatial size must be > 0, got " + src);
        }
        long outH = outputSize(op, "height", h, params.kernelH(), params.effectiveKernelH(), params.strideH(),
                params.padTop(), params.padBottom(), params.dilationH(), params.ceilMode());
        long outW = outputSize(op, "width", w, params.kernelW(), params.effectiveKernelW(), params.strideW(),
                params.padLeft(), params.padRight(), params.dilationW(), params.ceilMode());
        long padBottom = trailingPadding(h, params.effectiveKernelH(), params.strideH(), params.padTop(),
                params.padBottom(), outH);
        long padRight = trailingPadding(w, params.effectiveKernelW(), params.strideW(), params.padLeft(),
                params.padRight(), outW);
        return new Pool2dShapes(n, c, h, w, outH, outW, padBottom, padRight, Shape.of(n, c, outH, outW));
    }

    private static long outputSize(String op, String axis, long in, long kernel, long effective, long stride,
                                   long before, long after, long dilation, boolean ceil) {
        if (before > effective / 2 || after > effective / 2) {
            throw new IllegalArgumentException(op + ": padding " + Math.max(before, after) + " along " + axis
                    + " must be at most half the effective kernel " + effective);
        }
        long padded = in + before + after;
        if (effective > padded) {
            throw new IllegalArgumentException(op + ": kernel " + effective + " larger than padded input " + padded
                    + " along " + axis);
        }
        long span = padded - effective;
        long out = (ceil ? Math.ceilDiv(span, stride) : span / stride) + 1;
        if (ceil && (out - 1) * stride >= in + before) {
            out--; // PyTorch: the last window must start inside the input or the leading padding
        }
        // Dense windows always cover the input under the rules above, but a dilated window can skip over a
        // small input entirely; such a window has no value to pool.
        for (long o = 0; dilation > 1 && o < out; o++) {
            long start = o * stride - before;
            boolean covers = false;
            for (long k = 0; k < kernel && !covers; k++) {
                long i = start + k * dilation;
                covers = i >= 0 && i < in;
            }
            if (!covers) {
                throw new IllegalArgumentException(op + ": window " + o + " along " + axis
                        + " covers only padding (input " + in + ", kernel " + kernel + ", dilation " + dilation + ")");
            }
        }
        return out;
    }

    private static long trailingPadding(long in, long effective, long stride, long before, long after, long out) {
        long needed = (out - 1) * stride + effective - in - before;
        return Math.max(after, needed);
    }

    /** Throws unless {@code dst} has the inferred output shape; {@code name} is how the message calls it. */
    public void checkOutput(String op, String name, Shape dst) {
        if (!output.equals(dst)) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + dst + " != expected " + output);
        }
    }
}
