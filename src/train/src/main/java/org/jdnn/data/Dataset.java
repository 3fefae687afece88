package org.jdnn.data;

/**
 * A finite, indexable set of labelled samples for classification. Every sample has the same feature shape
 * ({@link #sampleShape()}, e.g. {@code [1, 28, 28]}) and an integer class label {@code >= 0}.
 *
 * <p>Samples are copied into caller-owned buffers ({@link #copyFeatures}) so that a {@link DataLoader} can
 * assemble a whole batch in one reused {@code float[]} without allocating per sample. Implementations must
 * allow concurrent reads.
 */
public interface Dataset {
    /** The number of samples. */
    int size();

    /** The shape of one sample's features (a fresh copy). */
    long[] sampleShape();

    /** The number of feature values of one sample: the product of {@link #sampleShape()}. */
    default int sampleSize() {
        long n = 1;
        for (long d : sampleShape()) {
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    /** Writes the features of sample {@code index} into {@code dst[offset .. offset + sampleSize())}. */
    void copyFeatures(int index, float[] dst, int offset);

    /** The class label of sample {@code index}. */
    int label(int index);

    /** A view of the samples at {@code indices} (in that order; checked against {@link #size()}). */
    default Dataset subset(int[] indices) {
        return new SubsetDataset(this, indices);
    }
}
