package org.jdnn.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomCrop(size, padding)} with zero fill: pads the last two dimensions (H, W) of a
 * sample by {@code padding} zeros on every side, then cuts a {@code height x width} window at a uniformly
 * random position, the same for every channel. {@code RandomCrop.of(32, 4)} is the usual CIFAR-10
 * augmentation (random shifts of up to 4 pixels, the uncovered border black).
 *
 * <p>The window's top row is drawn first from {@code 0 .. H + 2p - height}, then its left column from
 * {@code 0 .. W + 2p - width}, as torchvision does. The zeros are zeros of the values the crop sees: put it
 * before {@link Normalize}, as in torchvision, for black borders.
 */
public final class RandomCrop implements SampleTransform {
    private final int height;
    private final int width;
    private final int padding;

    private RandomCrop(int height, int width, int padding) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("RandomCrop: size " + height + "x" + width + " must be at least 1x1");
        }
        if (padding < 0) {
            throw new IllegalArgumentException("RandomCrop: padding " + padding + " is negative");
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    /** A {@code size x size} crop after padding every side by {@code padding} zeros. */
    public static RandomCrop of(int size, int padding) {
        return new RandomCrop(size, size, padding);
    }

    /** A {@code height x width} crop after padding every side by {@code padding} zeros. */
    public static RandomCrop of(int height, int width, int padding) {
        return new RandomCrop(height, width, padding);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int padding() {
        return padding;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        check(inputShape);
        long[] out = inputShape.clone();
        out[out.length - 2] = height;
        out[out.length - 1] = width;
        return out;
    }

    private void check(long[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("RandomCrop: sample shape " + Arrays.toString(shape)
                    + " has no H and W (need [..., H, W], e.g. [C, H, W])");
        }
        long h = shape[shape.length - 2] + 2L * padding;
        long w = shape[shape.length - 1] + 2L * padding;
        if (h < height || w < width) {
            throw new IllegalArgumentException("RandomCrop: crop " + height + "x" + width + " is larger than the padded "
                    + "image " + h + "x" + w + " (sample shape " + Arrays.toString(shape) + ", padding " + padding + ")");
        }
    }

    @Override
    public void apply(float[] values, int offset, long[] shape, RandomGenerator random) {
        check(shape);
        int inH = (int) shape[shape.length - 2];
        int inW = (int) shape[shape.length - 1];
        int top = random.nextInt(inH + 2 * padding - height + 1);
        int left = random.nextInt(inW + 2 * padding - width + 1);
        // Output (y, x) is padded (top + y, left + x), i.e. input (top + y - p, left + x - p), or 0 outside it.
        PlaneWindow.copy(values, offset, shape, height, width, top - padding, left - padding);
    }

    @Override
    public String toString() {
        return "RandomCrop(" + height + "x" + width + ", padding=" + padding + ")";
    }
}
