package org.jdnn.data;

import org.jdnn.tensor.Tensor;

/**
 * One mini-batch from a {@link DataLoader}: {@link #size()} samples whose features lie back to back in a
 * {@code float[]} and whose labels lie in an {@code int[]}.
 *
 * <p>The loader reuses batch objects and their arrays: a batch is valid until the iterator's next call to
 * {@code next()}. {@link #features()} and {@link #labels()} copy into new tensors, which are the caller's
 * (close them, or create them inside a {@link org.jdnn.tensor.Scope}).
 */
public final class Batch {
    private final float[] features;
    private final int[] labels;
    private final float[] labelValues;
    private final int[] indices;
    private final long[] featureDims;

    Batch(int size, long[] sampleShape) {
        int sampleSize = Shapes.sampleSize("Batch", sampleShape);
        this.features = new float[Math.multiplyExact(size, sampleSize)];
        this.labels = new int[size];
        this.labelValues = new float[size];
        this.indices = new int[size];
        this.featureDims = new long[sampleShape.length + 1];
        featureDims[0] = size;
        System.arraycopy(sampleShape, 0, featureDims, 1, sampleShape.length);
    }

    /** The number of samples B. */
    public int size() {
        return labels.length;
    }

    /** The feature tensor shape {@code [B, ...sampleShape]} (a copy). */
    public long[] featureShape() {
        return featureDims.clone();
    }

    /** A new tensor {@code [B, ...sampleShape]} holding the (transformed) features. */
    public Tensor features() {
        return Tensor.of(features, featureDims);
    }

    /** A new tensor {@code [B]} holding the class indices as floats (exact up to 2^24). */
    public Tensor labels() {
        return Tensor.of(labelValues, labels.length);
    }

    /** The features, sample after sample; the loader's own reused array, do not keep it. */
    public float[] featureArray() {
        return features;
    }

    /** The class indices; the loader's own reused array, do not keep it. */
    public int[] labelArray() {
        return labels;
    }

    /** Which dataset samples this batch holds, in order; the loader's own reused array. */
    public int[] indexArray() {
        return indices;
    }

    float[] labelValues() {
        return labelValues;
    }
}
