package org.jdnn.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * {@code x -> (x - mean) / std}, with one mean/std for all values or one pair per channel, the channel
 * being the first dimension of the sample shape (C of a CHW image: each channel is a contiguous block of
 * {@code sampleSize / C} values). torchvision's {@code Normalize(mean, std)} is {@link #perChannel}.
 */
public final class Normalize implements Transform {
    private final float[] mean;
    private final float[] std;
    private final float[] inverseStd;

    private Normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " means and " + std.length
                    + " standard deviations (need the same number, at least one)");
        }
        inverseStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("Normalize: mean " + mean[c] + " of channel " + c + " is not finite");
            }
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("Normalize: std " + std[c] + " of channel " + c + " must be finite and > 0");
            }
            inverseStd[c] = 1f / std[c];
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** One mean and standard deviation for every value. */
    public static Normalize of(float mean, float std) {
        return new Normalize(new float[] {mean}, new float[] {std});
    }

    /** One mean and standard deviation per channel. */
    public static Normalize perChannel(float[] mean, float[] std) {
        return new Normalize(mean, std);
    }

    /**
     * The mean and (population) standard deviation of every feature value of {@code dataset}, summed in
     * double. A constant dataset gets std 1, so that it is only centred.
     */
    public static Normalize fit(Dataset dataset) {
        double[][] stats = moments(dataset, 1);
        return new Normalize(new float[] {(float) stats[0][0]}, new float[] {(float) stats[1][0]});
    }

    /** Like {@link #fit} but one pair per channel (the first dimension of the sample shape). */
    public static Normalize fitPerChannel(Dataset dataset) {
        long[] shape = dataset.sampleShape();
        if (shape.length == 0) {
            throw new IllegalArgumentException("Normalize.fitPerChannel: samples are scalars, they have no channels");
        }
        double[][] stats = moments(dataset, Math.toIntExact(shape[0]));
        float[] mean = new float[stats[0].length];
        float[] std = new float[mean.length];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) stats[0][c];
            std[c] = (float) stats[1][c];
        }
        return new Normalize(mean, std);
    }

    private static double[][] moments(Dataset dataset, int channels) {
        int n = dataset.size();
        int size = dataset.sampleSize();
        if (n == 0 || size == 0) {
            throw new IllegalArgumentException("Normalize.fit: the dataset has no values (" + n + " samples of "
                    + size + " values)");
        }
        int block = size / channels;
        double[] sum = new double[channels];
        double[] sumSquares = new double[channels];
        float[] sample = new float[size];
        // One pass, var = E[x^2] - mean^2 in double: exact enough for pixel-scale data, and one read of the dataset.
        for (int i = 0; i < n; i++) {
            dataset.copyFeatures(i, sample, 0);
            for (int j = 0; j < size; j++) {
                int c = j / block;
                sum[c] += sample[j];
                sumSquares[c] += (double) sample[j] * sample[j];
            }
        }
        double count = (double) n * block;
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / count;
            double variance = Math.max(0, sumSquares[c] / count - mean[c] * mean[c]);
            std[c] = variance > 0 ? Math.sqrt(variance) : 1;
        }
        return new double[][] {mean, std};
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    @Override
    public void apply(float[] values, int offset, int length) {
        int channels = mean.length;
        if (length % channels != 0) {
            throw new IllegalArgumentException("Normalize: a sample of " + length + " values does not split into "
                    + channels + " channels");
        }
        int block = length / channels;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float inv = inverseStd[c];
            for (int j = offset + c * block, end = j + block; j < end; j++) {
                values[j] = (values[j] - m) * inv;
            }
        }
    }

    /** As {@link #apply(float[], int, int)}, checking first that per-channel statistics match the sample's C. */
    @Override
    public void apply(float[] values, int offset, long[] shape, RandomGenerator random) {
        checkChannels(shape);
        apply(values, offset, Shapes.sampleSize("Normalize", shape));
    }

    /** The input shape; checks the channel count, so that a loader with a mismatched Normalize fails at build(). */
    @Override
    public long[] outputShape(long[] inputShape) {
        checkChannels(inputShape);
        return inputShape.clone();
    }

    private void checkChannels(long[] shape) {
        if (mean.length > 1 && (shape.length == 0 || shape[0] != mean.length)) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " channel means for a sample of shape "
                    + Arrays.toString(shape) + " (its first dimension is the channel count)");
        }
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
