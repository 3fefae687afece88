package org.jdnn.data;

/**
 * An in-place change of one sample's features, applied by the {@link DataLoader} after the sample is
 * copied into the batch buffer. Must not allocate: it runs once per sample in the loading loop.
 */
@FunctionalInterface
public interface Transform {
    /**
     * Transforms {@code values[offset .. offset + length)}, one sample of {@code length} values.
     */
    void apply(float[] values, int offset, int length);
}
