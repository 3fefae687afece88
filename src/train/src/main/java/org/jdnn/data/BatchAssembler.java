package org.jdnn.data;

/**
 * Fills a {@link Batch} from a dataset: copies each sample, runs the transform with the sample's seeded
 * generator, records label and index. The one piece of loading both the in-line and the prefetching
 * iterators run, so the two give the same batches. Used by one thread at a time; refers to no loader, so
 * that a prefetch thread does not keep an abandoned loader reachable.
 */
final class BatchAssembler {
    private final Dataset dataset;
    private final SampleTransform transform;
    private final long transformSeed;
    private final long[] inputShape;
    private final int inputSize;
    private final int outputSize;
    /** Where samples are transformed when the transform needs more room than an output slot; else null. */
    private final float[] scratch;
    private final SampleRandom random = new SampleRandom();

    BatchAssembler(Dataset dataset, SampleTransform transform, long transformSeed, long[] inputShape, long[] outputShape) {
        this.dataset = dataset;
        this.transform = transform;
        this.transformSeed = transformSeed;
        this.inputShape = inputShape.clone();
        this.inputSize = Shapes.sampleSize("DataLoader", inputShape);
        this.outputSize = Shapes.sampleSize("DataLoader", outputShape);
        int working = transform == null ? inputSize : transform.workingSize(inputShape);
        this.scratch = working <= outputSize ? null : new float[working];
    }

    /** Fills {@code batch} with the samples {@code order[start .. start + batch.size())} of epoch {@code epoch}. */
    void fill(Batch batch, int[] order, int start, int epoch) {
        int size = batch.size();
        float[] features = batch.featureArray();
        int[] labels = batch.labelArray();
        float[] labelValues = batch.labelValues();
        int[] indices = batch.indexArray();
        for (int k = 0; k < size; k++) {
            int index = order[start + k];
            int offset = k * outputSize;
            if (scratch == null) {
                // In place: slots are filled in increasing order, so room past this slot is free until filled.
                dataset.copyFeatures(index, features, offset);
                transform(features, offset, epoch, index);
            } else {
                dataset.copyFeatures(index, scratch, 0);
                transform(scratch, 0, epoch, index);
                System.arraycopy(scratch, 0, features, offset, outputSize);
            }
            int label = dataset.label(index);
            labels[k] = label;
            labelValues[k] = label;
            indices[k] = index;
        }
    }

    private void transform(float[] values, int offset, int epoch, int index) {
        if (transform != null) {
            random.reseed(transformSeed, epoch, index);
            transform.apply(values, offset, inputShape, random);
        }
    }
}
