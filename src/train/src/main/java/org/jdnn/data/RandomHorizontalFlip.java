package org.jdnn.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomHorizontalFlip(p)}: with probability {@code p} mirrors the sample left to
 * right (reverses the last dimension, W, of every row of every channel). One draw per sample decides for
 * all channels.
 */
public final class RandomHorizontalFlip implements SampleTransform {
    private final double p;

    private RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: probability " + p + " is not in [0, 1]");
        }
        this.p = p;
    }

    /** Flips half the samples, torchvision's default. */
    public static RandomHorizontalFlip of() {
        return new RandomHorizontalFlip(0.5);
    }

    /** Flips a sample with probability {@code p}. */
    public static RandomHorizontalFlip of(double p) {
        return new RandomHorizontalFlip(p);
    }

    public double p() {
        return p;
    }

    @Override
    public void apply(float[] values, int offset, long[] shape, RandomGenerator random) {
        if (shape.length < 1) {
            throw new IllegalArgumentException("RandomHorizontalFlip: sample shape " + Arrays.toString(shape)
                    + " has no W dimension");
        }
        // Draw even when p is 0 or 1, so that the draws of the transforms after this one do not depend on p.
        if (!(random.nextDouble() < p)) {
            return;
        }
        int w = (int) shape[shape.length - 1];
        int size = Shapes.sampleSize("RandomHorizontalFlip", shape);
        for (int row = offset, end = offset + size; row < end; row += w) {
            for (int i = row, j = row + w - 1; i < j; i++, j--) {
                float t = values[i];
                values[i] = values[j];
                values[j] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(p=" + p + ")";
    }
}
