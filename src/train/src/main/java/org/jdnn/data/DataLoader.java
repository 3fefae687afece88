package org.jdnn.data;

import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches, epoch by epoch.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(42).dropLast(true)
 *         .transform(Normalize.of(0.2860f, 0.3530f)).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Batch batch : loader.epoch(epoch)) {
 *         try (Scope scope = Scope.open()) {
 *             Tensor x = batch.features(), y = batch.labels();
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Shuffling is a function of (seed, epoch) only: the same seed gives the same order for an epoch, so a
 * run resumed at epoch k sees what the uninterrupted run saw, and different epochs get different orders.
 * Without {@link Builder#shuffle} the order is the dataset's.
 *
 * <p>Batches are assembled in two reused {@link Batch} objects (full and final partial batch) with no
 * allocation per sample. Hence one epoch runs at a time: starting another epoch invalidates the previous
 * epoch's iterator, whose next use throws {@link ConcurrentModificationException}. A loader is meant for
 * one thread.
 */
public final class DataLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Transform transform;
    private final int sampleSize;
    private final long[] sampleShape;
    private final int[] order;
    private Batch fullBatch;
    private Batch lastBatch;
    private long generation;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.transform = b.transform;
        this.sampleShape = dataset.sampleShape();
        this.sampleSize = dataset.sampleSize();
        this.order = new int[dataset.size()];
    }

    /** Starts a loader over {@code dataset}: batch size 32, no shuffling, last partial batch kept. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The number of batches one epoch yields. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The number of samples one epoch yields (fewer than the dataset's with drop-last). */
    public int samplesPerEpoch() {
        return dropLast ? dataset.size() / batchSize * batchSize : dataset.size();
    }

    /** The order in which epoch {@code epoch} visits the dataset (a fresh array). */
    public int[] order(int epoch) {
        int[] result = new int[dataset.size()];
        fillOrder(epoch, result);
        return result;
    }

    private void fillOrder(int epoch, int[] target) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch " + epoch + " is negative");
        }
        for (int i = 0; i < target.length; i++) {
            target[i] = i;
        }
        if (shuffle) {
            // The epoch's generator is seeded from (seed, epoch) alone, never from the previous epoch's state.
            SplittableRandom random = new SplittableRandom(mix(seed + 0x9E3779B97F4A7C15L * (epoch + 1L)));
            for (int i = target.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = target[i];
                target[i] = target[j];
                target[j] = t;
            }
        }
    }

    /** The SplitMix64 finaliser: nearby (seed, epoch) pairs give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The batches of epoch {@code epoch} (0-based); see the class comment about reuse. */
    public Iterable<Batch> epoch(int epoch) {
        return () -> start(epoch);
    }

    private Iterator<Batch> start(int epoch) {
        fillOrder(epoch, order);
        long myGeneration = ++generation;
        int batches = batchesPerEpoch();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                checkCurrent();
                return next < batches;
            }

            @Override
            public Batch next() {
                checkCurrent();
                if (next >= batches) {
                    throw new NoSuchElementException("DataLoader: epoch " + epoch + " has only " + batches + " batches");
                }
                int start = next * batchSize;
                int size = Math.min(batchSize, order.length - start);
                next++;
                return fill(start, size);
            }

            private void checkCurrent() {
                if (generation != myGeneration) {
                    throw new ConcurrentModificationException("DataLoader: epoch " + epoch
                            + " was superseded by a newer epoch; a loader runs one epoch at a time");
                }
            }
        };
    }

    private Batch fill(int start, int size) {
        Batch batch;
        if (size == batchSize) {
            batch = fullBatch == null ? fullBatch = new Batch(batchSize, sampleShape) : fullBatch;
        } else {
            if (lastBatch == null || lastBatch.size() != size) {
                lastBatch = new Batch(size, sampleShape); // at most one partial size per loader
            }
            batch = lastBatch;
        }
        float[] features = batch.featureArray();
        int[] labels = batch.labelArray();
        float[] labelValues = batch.labelValues();
        int[] indices = batch.indexArray();
        for (int k = 0; k < size; k++) {
            int index = order[start + k];
            int offset = k * sampleSize;
            dataset.copyFeatures(index, features, offset);
            if (transform != null) {
                transform.apply(features, offset, sampleSize);
            }
            int label = dataset.label(index);
            labels[k] = label;
            labelValues[k] = label;
            indices[k] = index;
        }
        return batch;
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Transform transform;

        private Builder(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "DataLoader: dataset");
        }

        /** Samples per batch, {@code >= 1}. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("DataLoader: batch size " + batchSize + " must be >= 1");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Shuffles every epoch, reproducibly from {@code seed}. */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /** Whether to skip the final batch when it would be smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Applied in place to every sample after it is copied into the batch (e.g. {@link Normalize}). */
        public Builder transform(Transform transform) {
            this.transform = transform;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
