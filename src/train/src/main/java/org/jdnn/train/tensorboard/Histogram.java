package org.jdnn.train.tensorboard;

import java.util.Arrays;

/**
 * A histogram of float values in TensorBoard's form: min, max, count, sum, sum of squares, and buckets of equal width
 * between min and max. Bucket {@code i} counts the values in {@code [limit(i-1), limit(i))}, the first from min, the
 * last up to and including max. Sums are taken in double so that large tensors do not lose small values.
 *
 * @param min smallest value
 * @param max largest value
 * @param count number of values
 * @param sum sum of the values
 * @param sumSquares sum of their squares
 * @param bucketLimits upper edge of each bucket (the last equals max)
 * @param bucketCounts values in each bucket
 */
public record Histogram(double min, double max, double count, double sum, double sumSquares,
                        double[] bucketLimits, double[] bucketCounts) {
    /** TensorBoard's summary APIs default to 30 buckets. */
    public static final int DEFAULT_BUCKETS = 30;

    public Histogram {
        if (bucketLimits.length != bucketCounts.length || bucketLimits.length == 0) {
            throw new IllegalArgumentException("histogram: " + bucketLimits.length + " bucket limits but "
                    + bucketCounts.length + " bucket counts");
        }
        bucketLimits = bucketLimits.clone();
        bucketCounts = bucketCounts.clone();
    }

    /** The histogram of {@code values} in {@code buckets} buckets; values must be finite. */
    public static Histogram of(String tag, float[] values, int buckets) {
        if (values.length == 0) {
            throw new IllegalArgumentException("histogram '" + tag + "': no values");
        }
        if (buckets < 1) {
            throw new IllegalArgumentException("histogram '" + tag + "': buckets must be at least 1, got " + buckets);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("histogram '" + tag + "': value " + v + " at index " + i
                        + " is not finite");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSquares += (double) v * v;
        }
        if (min == max) {
            // One bucket holding everything: TensorBoard draws it as a spike at the value.
            return new Histogram(min, max, values.length, sum, sumSquares, new double[] {max},
                    new double[] {values.length});
        }
        double width = (max - min) / buckets;
        double[] limits = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            limits[b] = min + (b + 1) * width;
        }
        limits[buckets - 1] = max;
        double[] counts = new double[buckets];
        for (float v : values) {
            int b = (int) ((v - min) / width);
            counts[Math.min(b, buckets - 1)]++;
        }
        return new Histogram(min, max, values.length, sum, sumSquares, limits, counts);
    }

    @Override
    public double[] bucketLimits() {
        return bucketLimits.clone();
    }

    @Override
    public double[] bucketCounts() {
        return bucketCounts.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Histogram h && min == h.min && max == h.max && count == h.count && sum == h.sum
                && sumSquares == h.sumSquares && Arrays.equals(bucketLimits, h.bucketLimits)
                && Arrays.equals(bucketCounts, h.bucketCounts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bucketCounts) * 31 + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Histogram[min=" + min + ", max=" + max + ", count=" + count + ", buckets=" + bucketCounts.length + "]";
    }
}
