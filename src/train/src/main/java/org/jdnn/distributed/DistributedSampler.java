package org.jdnn.distributed;

import org.jdnn.data.Dataset;

import java.util.SplittableRandom;

/**
 * Which samples of a data set each rank visits in an epoch, as PyTorch's {@code DistributedSampler}: the epoch's
 * indices are shuffled with a generator seeded from (seed, epoch) alone — the same permutation on every rank —
 * padded by repeating its first indices up to a multiple of the world size, and rank {@code r} takes every
 * {@code worldSize}-th index starting at {@code r}. So every rank gets {@link #samplesPerRank()} samples (the same
 * number of batches, which data-parallel training needs), the ranks' shares are disjoint apart from the padding,
 * and together they cover the data set.
 *
 * <p>Use {@link #dataset()} as the training set of a non-shuffling {@link org.jdnn.data.DataLoader} and call
 * {@link #setEpoch} before each epoch, as with PyTorch's {@code sampler.set_epoch(epoch)}.
 */
public final class DistributedSampler {
    private final Dataset dataset;
    private final int worldSize;
    private final int rank;
    private final boolean shuffle;
    private final long seed;
    private final int samplesPerRank;
    private final int[] current;
    private int epoch;

    public DistributedSampler(Dataset dataset, int worldSize, int rank, boolean shuffle, long seed) {
        if (dataset == null) {
            throw new IllegalArgumentException("DistributedSampler: dataset is null");
        }
        if (worldSize < 1) {
            throw new IllegalArgumentException("DistributedSampler: worldSize " + worldSize + " must be >= 1");
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("DistributedSampler: rank " + rank + " is not in [0, " + worldSize + ")");
        }
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("DistributedSampler: the dataset is empty");
        }
        this.dataset = dataset;
        this.worldSize = worldSize;
        this.rank = rank;
        this.shuffle = shuffle;
        this.seed = seed;
        this.samplesPerRank = (dataset.size() + worldSize - 1) / worldSize;
        this.current = indices(0);
    }

    /** The sampler of this process in {@code group}. */
    public static DistributedSampler of(Dataset dataset, ProcessGroup group, long seed) {
        return new DistributedSampler(dataset, group.worldSize(), group.rank(), true, seed);
    }

    /** The number of samples each rank visits per epoch: ceil(size / worldSize). */
    public int samplesPerRank() {
        return samplesPerRank;
    }

    public int epoch() {
        return epoch;
    }

    /** Selects the epoch (0-based) whose shuffle {@link #dataset()} shows from now on. */
    public void setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DistributedSampler: epoch " + epoch + " is negative");
        }
        System.arraycopy(indices(epoch), 0, current, 0, samplesPerRank);
        this.epoch = epoch;
    }

    /** This rank's indices into the data set for {@code epoch}, in visiting order (a fresh array). */
    public int[] indices(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(mix(seed + 0x9E3779B97F4A7C15L * (epoch + 1L)));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int[] mine = new int[samplesPerRank];
        for (int k = 0; k < samplesPerRank; k++) {
            // Position in the padded list; past the end it wraps to the start (PyTorch repeats the first indices).
            int position = rank + k * worldSize;
            mine[k] = order[position % n];
        }
        return mine;
    }

    /** This rank's share of the data set for the epoch last set: a view that follows {@link #setEpoch}. */
    public Dataset dataset() {
        return new Dataset() {
            @Override
            public int size() {
                return samplesPerRank;
            }

            @Override
            public long[] sampleShape() {
                return dataset.sampleShape();
            }

            @Override
            public int sampleSize() {
                return dataset.sampleSize();
            }

            @Override
            public void copyFeatures(int index, float[] dst, int offset) {
                dataset.copyFeatures(current[index], dst, offset);
            }

            @Override
            public int label(int index) {
                return dataset.label(current[index]);
            }
        };
    }

    /** The SplitMix64 finaliser: nearby (seed, epoch) pairs give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
