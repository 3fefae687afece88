package org.jdnn.data;

import java.util.random.RandomGenerator;

/**
 * An in-place change of one sample's values that needs neither its shape nor randomness (e.g.
 * {@link Normalize}), applied by the {@link DataLoader} after the sample is copied into the batch buffer.
 * Must not allocate: it runs once per sample in the loading loop. The shape-aware, random form is
 * {@link SampleTransform}; every {@code Transform} is one.
 */
@FunctionalInterface
public interface Transform extends SampleTransform {
    /**
     * Transforms {@code values[offset .. offset + length)}, one sample of {@code length} values.
     */
    void apply(float[] values, int offset, int length);

    @Override
    default void apply(float[] values, int offset, long[] shape, RandomGenerator random) {
        apply(values, offset, Shapes.sampleSize("Transform", shape));
    }
}
