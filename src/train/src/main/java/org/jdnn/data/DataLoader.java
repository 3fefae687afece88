package org.jdnn.data;

import java.lang.ref.Cleaner;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches, epoch by epoch.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(42).dropLast(true)
 *         .transform(Compose.of(RandomCrop.of(32, 4), RandomHorizontalFlip.of(), Cifar10.NORMALIZE))
 *         .prefetch(2).build()) {
 *     for (int epoch = 0; epoch < 10; epoch++) {
 *         for (Batch batch : loader.epoch(epoch)) {
 *             try (Scope scope = Scope.open()) {
 *                 Tensor x = batch.features(), y = batch.labels();
 *                 ...
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Shuffling is a function of (seed, epoch) only: the same seed gives the same order for an epoch, so a
 * run resumed at epoch k sees what the uninterrupted run saw, and different epochs get different orders.
 * Without {@link Builder#shuffle} the order is the dataset's. Random transforms draw from a generator seeded
 * per sample from (seed, epoch, dataset index), so they are reproducible in the same way.
 *
 * <p>With {@link Builder#prefetch prefetch(n)} a background thread assembles up to n batches ahead while the
 * caller trains on the current one; the batches are the same, in the same order, as without it. The thread
 * starts when an epoch's iterator is created and ends after the epoch's last batch; {@link #close()}, or
 * starting another epoch, stops it earlier. A failure on that thread is thrown by the iterator's
 * {@code next()} as a {@link DataLoaderException} whose cause is the original exception.
 *
 * <p>Batches are assembled in reused {@link Batch} objects with no allocation per sample: a batch is valid
 * until the iterator's next call to {@code next()}. Hence one epoch runs at a time: starting another epoch
 * invalidates the previous epoch's iterator, whose next use throws {@link ConcurrentModificationException}.
 * A loader is meant for one thread; only {@link #close()} may be called from another (a reader waiting for
 * a prefetched batch then gets an {@link IllegalStateException}).
 */
public final class DataLoader implements AutoCloseable {
    /** Stops the prefetch thread of a loader that was dropped without {@link #close()}. */
    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().daemon().name("jdnn-data-loader-cleaner").factory());

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final SampleTransform transform;
    private final int prefetch;
    private final int sampleSize;
    private final long[] sampleShape;
    private final int[] order;
    private final BatchAssembler assembler;
    private final Worker worker = new Worker();
    private final Cleaner.Cleanable cleanable;
    private Batch fullBatch;
    private Batch lastBatch;
    private Batch[] pool;
    private long generation;
    private volatile boolean closed; // close() may come from another thread than the reader's

    /** The running prefetcher, held apart from the loader so that the cleaner can stop it. */
    private static final class Worker implements Runnable {
        private volatile Prefetcher current; // volatile: the cleaner may stop it from its own thread

        void replace(Prefetcher next) {
            stop();
            current = next;
            if (next != null) {
                next.start();
            }
        }

        void stop() {
            if (current != null) {
                current.stop();
                current = null;
            }
        }

        @Override
        public void run() {
            stop();
        }
    }

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.transform = b.transform;
        this.prefetch = b.prefetch;
        long[] inputShape = dataset.sampleShape();
        this.sampleShape = transform == null ? inputShape : transform.outputShape(inputShape);
        this.sampleSize = Shapes.sampleSize("DataLoader", sampleShape);
        this.order = new int[dataset.size()];
        long transformSeed = b.transformSeed != null ? b.transformSeed : b.shuffle ? b.seed : 0;
        this.assembler = new BatchAssembler(dataset, transform, transformSeed, inputShape, sampleShape);
        this.cleanable = CLEANER.register(this, worker);
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

    /** How many batches a background thread assembles ahead; 0 when batches are assembled in {@code next()}. */
    public int prefetch() {
        return prefetch;
    }

    /** The shape of one sample of a batch: the dataset's, as changed by the transform (a copy). */
    public long[] sampleShape() {
        return sampleShape.clone();
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
            SplittableRandom random = new SplittableRandom(SampleRandom.mix(seed + 0x9E3779B97F4A7C15L * (epoch + 1L)));
            for (int i = target.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = target[i];
                target[i] = target[j];
                target[j] = t;
            }
        }
    }

    /** The batches of epoch {@code epoch} (0-based); see the class comment about reuse and prefetching. */
    public Iterable<Batch> epoch(int epoch) {
        checkOpen();
        return () -> start(epoch);
    }

    /**
     * Stops the prefetch thread, if one runs, and waits for it to end; later calls to {@link #epoch} and to
     * the iterators of earlier epochs throw {@link IllegalStateException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        closed = true;
        generation++;
        cleanable.clean();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("DataLoader: closed");
        }
    }

    private Iterator<Batch> start(int epoch) {
        checkOpen();
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch " + epoch + " is negative");
        }
        // The previous epoch's thread must be gone before its order and buffers are reused.
        worker.stop();
        fillOrder(epoch, order);
        long myGeneration = ++generation;
        int batches = batchesPerEpoch();
        Prefetcher prefetcher = prefetch == 0 ? null : startPrefetcher(epoch, batches);
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
                int index = next++;
                if (prefetcher != null) {
                    return prefetcher.next(index);
                }
                int start = index * batchSize;
                return fill(start, Math.min(batchSize, order.length - start), epoch);
            }

            private void checkCurrent() {
                if (closed) {
                    throw new IllegalStateException("DataLoader: closed while epoch " + epoch + " was being read");
                }
                if (generation != myGeneration) {
                    throw new ConcurrentModificationException("DataLoader: epoch " + epoch
                            + " was superseded by a newer epoch; a loader runs one epoch at a time");
                }
            }
        };
    }

    private Prefetcher startPrefetcher(int epoch, int batches) {
        if (pool == null) {
            int fullBatches = Math.max(1, dataset.size() / batchSize);
            pool = new Batch[Math.min(prefetch + 1, fullBatches)];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = new Batch(batchSize, sampleShape);
            }
        }
        int lastSize = samplesPerEpoch() - (batches - 1) * batchSize;
        Batch partial = batches > 0 && lastSize < batchSize ? partialBatch(lastSize) : null;
        Prefetcher prefetcher = new Prefetcher(assembler, order, epoch, batches, batchSize, pool, partial);
        worker.replace(prefetcher);
        return prefetcher;
    }

    private Batch partialBatch(int size) {
        if (lastBatch == null || lastBatch.size() != size) {
            lastBatch = new Batch(size, sampleShape); // at most one partial size per loader
        }
        return lastBatch;
    }

    private Batch fill(int start, int size, int epoch) {
        Batch batch;
        if (size == batchSize) {
            batch = fullBatch == null ? fullBatch = new Batch(batchSize, sampleShape) : fullBatch;
        } else {
            batch = partialBatch(size);
        }
        assembler.fill(batch, order, start, epoch);
        return batch;
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private Long transformSeed;
        private boolean dropLast;
        private SampleTransform transform;
        private int prefetch;

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

        /**
         * Applied to every sample after it is copied into the batch, with a generator seeded for that sample
         * (e.g. a {@link Compose} of {@link RandomCrop}, {@link RandomHorizontalFlip}, {@link Normalize}).
         */
        public Builder transform(SampleTransform transform) {
            this.transform = transform;
            return this;
        }

        /** The seed of the random transforms; by default the shuffle seed, or 0 without shuffling. */
        public Builder transformSeed(long seed) {
            this.transformSeed = seed;
            return this;
        }

        /**
         * Assembles up to {@code batches} batches ahead on a background thread (0, the default, assembles each
         * batch in {@code next()}). Costs {@code batches + 1} batch buffers; close the loader to stop the thread.
         */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("DataLoader: prefetch " + batches + " must be >= 0");
            }
            this.prefetch = batches;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
