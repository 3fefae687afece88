package org.jdnn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Samples held in one flat {@code float[]} (sample {@code i} at {@code [i * sampleSize, (i+1) * sampleSize)}),
 * with an {@code int[]} of labels. The arrays are taken over, not copied: do not modify them afterwards.
 */
public final class InMemoryDataset implements Dataset {
    private final float[] features;
    private final long[] sampleShape;
    private final int sampleSize;
    private final int[] labels;

    /**
     * @param features    {@code labels.length * product(sampleShape)} values, sample after sample
     * @param sampleShape the shape of one sample, e.g. {@code {1, 28, 28}}
     * @param labels      one class index {@code >= 0} per sample
     */
    public InMemoryDataset(float[] features, long[] sampleShape, int[] labels) {
        Objects.requireNonNull(features, "InMemoryDataset: features");
        Objects.requireNonNull(labels, "InMemoryDataset: labels");
        this.sampleShape = sampleShape.clone();
        this.sampleSize = Shapes.sampleSize("InMemoryDataset", this.sampleShape);
        if ((long) labels.length * sampleSize != features.length) {
            throw new IllegalArgumentException("InMemoryDataset: " + features.length + " feature values for "
                    + labels.length + " samples of shape " + Arrays.toString(sampleShape) + " (expected "
                    + (long) labels.length * sampleSize + ")");
        }
        Shapes.checkLabels("InMemoryDataset", labels);
        this.features = features;
        this.labels = labels;
    }

    /** One row of features per sample, all rows of the same length; sample shape {@code [rowLength]}. */
    public static InMemoryDataset of(float[][] rows, int[] labels) {
        if (rows.length != labels.length) {
            throw new IllegalArgumentException("InMemoryDataset.of: " + rows.length + " rows but " + labels.length + " labels");
        }
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, width)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("InMemoryDataset.of: row " + i + " has " + rows[i].length
                        + " values, row 0 has " + width);
            }
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return new InMemoryDataset(flat, new long[] {width}, labels.clone());
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int sampleSize() {
        return sampleSize;
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        Objects.checkIndex(index, labels.length);
        System.arraycopy(features, index * sampleSize, dst, offset, sampleSize);
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }
}
