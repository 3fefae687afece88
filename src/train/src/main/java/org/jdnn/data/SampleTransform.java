package org.jdnn.data;

import java.util.random.RandomGenerator;

/**
 * A change of one sample that may depend on its shape and on randomness, as torchvision's image transforms
 * do ({@link RandomCrop}, {@link RandomHorizontalFlip}); the {@link DataLoader} runs it on every sample after
 * copying it into the batch.
 *
 * <p>The sample lies at {@code values[offset ..]} in the layout of its shape (CHW for images); the transform
 * writes its result, of shape {@link #outputShape}, at the same offset. The region has room for
 * {@link #workingSize} values. The generator is seeded for this one sample by the loader, so an augmentation
 * is a function of (seed, epoch, sample) alone, whatever thread runs it.
 *
 * <p>Implementations must be safe to call from several threads at once (two loaders may share one
 * transform) and should not allocate: they run once per sample in the loading loop.
 */
@FunctionalInterface
public interface SampleTransform {
    /** Transforms the sample of shape {@code shape} at {@code values[offset ..]} in place. */
    void apply(float[] values, int offset, long[] shape, RandomGenerator random);

    /** The shape of a transformed sample; the same as the input unless the transform crops or resizes. */
    default long[] outputShape(long[] inputShape) {
        return inputShape.clone();
    }

    /** How many values the region passed to {@link #apply} must hold: the larger of input and output. */
    default int workingSize(long[] inputShape) {
        return Math.max(Shapes.sampleSize("SampleTransform", inputShape),
                Shapes.sampleSize("SampleTransform", outputShape(inputShape)));
    }
}
