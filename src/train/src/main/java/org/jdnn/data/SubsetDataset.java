package org.jdnn.data;

import java.util.Objects;

/** A view of some samples of another dataset, by index; the samples themselves are not copied. */
final class SubsetDataset implements Dataset {
    private final Dataset base;
    private final int[] indices;

    SubsetDataset(Dataset base, int[] indices) {
        this.base = Objects.requireNonNull(base, "subset: dataset");
        this.indices = indices.clone();
        int n = base.size();
        for (int i = 0; i < this.indices.length; i++) {
            if (this.indices[i] < 0 || this.indices[i] >= n) {
                throw new IllegalArgumentException("subset: index " + this.indices[i] + " at position " + i
                        + " outside a dataset of " + n + " samples");
            }
        }
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public long[] sampleShape() {
        return base.sampleShape();
    }

    @Override
    public int sampleSize() {
        return base.sampleSize();
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        base.copyFeatures(indices[Objects.checkIndex(index, indices.length)], dst, offset);
    }

    @Override
    public int label(int index) {
        return base.label(indices[Objects.checkIndex(index, indices.length)]);
    }
}
