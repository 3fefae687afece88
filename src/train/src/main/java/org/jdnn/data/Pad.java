package org.jdnn.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Zero padding of the last two dimensions (H, W) of a sample, the same for every channel: torchvision's
 * {@code Pad(p)} with fill 0 ({@link #of}), or centring the image on a larger zero canvas ({@link #to}), as a
 * 28x28 Fashion-MNIST image is padded to the 32x32 a CIFAR-style network expects.
 *
 * <p>The zeros are zeros of the values the pad sees: after {@link Normalize} they are the data set's mean, before it
 * they are black.
 */
public final class Pad implements SampleTransform {
    /** Pad by {@code padding} on every side ({@code height} and {@code width} unused), or to a target size. */
    private final int padding;
    private final int height;
    private final int width;

    private Pad(int padding, int height, int width) {
        this.padding = padding;
        this.height = height;
        this.width = width;
    }

    /** {@code padding} zeros on every side: an H x W image becomes (H + 2p) x (W + 2p). */
    public static Pad of(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("Pad: padding " + padding + " is negative");
        }
        return new Pad(padding, 0, 0);
    }

    /** Zeros around the image up to {@code size x size}, the image centred. */
    public static Pad to(int size) {
        return to(size, size);
    }

    /**
     * Zeros around the image up to {@code height x width}, the image centred; where the extra rows (columns) are odd
     * in number, the bottom (right) gets the one more.
     */
    public static Pad to(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Pad: target size " + height + "x" + width + " must be at least 1x1");
        }
        return new Pad(-1, height, width);
    }

    /** The zeros above, left of, below and right of the image. */
    private record Margins(int top, int left, int bottom, int right) {
    }

    private Margins margins(long[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Pad: sample shape " + Arrays.toString(shape)
                    + " has no H and W (need [..., H, W], e.g. [C, H, W])");
        }
        if (padding >= 0) {
            return new Margins(padding, padding, padding, padding);
        }
        long inH = shape[shape.length - 2];
        long inW = shape[shape.length - 1];
        if (inH > height || inW > width) {
            throw new IllegalArgumentException("Pad: the image " + inH + "x" + inW + " (sample shape "
                    + Arrays.toString(shape) + ") is larger than the target " + height + "x" + width);
        }
        int extraH = (int) (height - inH);
        int extraW = (int) (width - inW);
        return new Margins(extraH / 2, extraW / 2, extraH - extraH / 2, extraW - extraW / 2);
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        Margins m = margins(inputShape);
        long[] out = inputShape.clone();
        out[out.length - 2] += m.top + m.bottom;
        out[out.length - 1] += m.left + m.right;
        return out;
    }

    @Override
    public void apply(float[] values, int offset, long[] shape, RandomGenerator random) {
        Margins m = margins(shape);
        int inH = (int) shape[shape.length - 2];
        int inW = (int) shape[shape.length - 1];
        PlaneWindow.copy(values, offset, shape, inH + m.top + m.bottom, inW + m.left + m.right, -m.top, -m.left);
    }

    @Override
    public String toString() {
        return padding >= 0 ? "Pad(" + padding + ")" : "Pad(to " + height + "x" + width + ")";
    }
}
