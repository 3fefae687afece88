package org.jdnn.distributed;

import org.jdnn.data.Dataset;
import org.jdnn.data.InMemoryDataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistributedSamplerTest {
    /** Sample i has feature value i and label i % 3, so a view's contents show which samples it holds. */
    private static Dataset numbered(int size) {
        float[] features = new float[size];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            features[i] = i;
            labels[i] = i % 3;
        }
        return new InMemoryDataset(features, new long[]{1}, labels);
    }

    @Test
    void theRanksSharesCoverTheDataSetOnceWhenItDividesEvenly() {
        Dataset data = numbered(12);
        Set<Integer> seen = new HashSet<>();
        for (int rank = 0; rank < 3; rank++) {
            int[] mine = new DistributedSampler(data, 3, rank, true, 7).indices(0);
            assertEquals(4, mine.length, "rank " + rank);
            Arrays.stream(mine).forEach(i -> assertTrue(seen.add(i), "index " + i + " given twice"));
        }
        assertEquals(12, seen.size());
    }

    @Test
    void anUnevenDataSetIsPaddedWithItsFirstShuffledIndicesAsPyTorchDoes() {
        Dataset data = numbered(10);
        int[][] shares = new int[4][];
        for (int rank = 0; rank < 4; rank++) {
            shares[rank] = new DistributedSampler(data, 4, rank, false, 0).indices(0);
        }
        // Unshuffled: padded list 0..9, 0, 1; rank r takes positions r, r + 4, r + 8.
        assertArrayEquals(new int[]{0, 4, 8}, shares[0]);
        assertArrayEquals(new int[]{1, 5, 9}, shares[1]);
        assertArrayEquals(new int[]{2, 6, 0}, shares[2]);
        assertArrayEquals(new int[]{3, 7, 1}, shares[3]);
    }

    @Test
    void theShuffleDependsOnSeedAndEpochOnlyAndIsTheSameOnEveryRank() {
        Dataset data = numbered(50);
        DistributedSampler a = new DistributedSampler(data, 2, 0, true, 42);
        DistributedSampler b = new DistributedSampler(data, 2, 0, true, 42);
        assertArrayEquals(a.indices(3), b.indices(3));
        assertFalse(Arrays.equals(a.indices(0), a.indices(1)), "epochs 0 and 1 gave the same order");
        assertFalse(Arrays.equals(a.indices(0), new DistributedSampler(data, 2, 0, true, 43).indices(0)));
        // Rank 0 and rank 1 of the same epoch are disjoint and together make the permutation.
        int[] both = IntStream.concat(Arrays.stream(a.indices(2)),
                Arrays.stream(new DistributedSampler(data, 2, 1, true, 42).indices(2))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 50).toArray(), both);
    }

    @Test
    void theDatasetViewFollowsSetEpoch() {
        Dataset data = numbered(9);
        DistributedSampler sampler = new DistributedSampler(data, 2, 1, true, 5);
        Dataset view = sampler.dataset();
        assertEquals(5, view.size());
        for (int epoch : new int[]{0, 4}) {
            sampler.setEpoch(epoch);
            int[] expected = sampler.indices(epoch);
            float[] feature = new float[1];
            for (int i = 0; i < view.size(); i++) {
                view.copyFeatures(i, feature, 0);
                assertEquals(expected[i], (int) feature[0], "epoch " + epoch + ", sample " + i);
                assertEquals(expected[i] % 3, view.label(i));
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Dataset data = numbered(4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(data, 2, 2, true, 0))
                .getMessage().contains("rank 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(data, 0, 0, true, 0))
                .getMessage().contains("worldSize 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(data, 1, 0, true, 0).setEpoch(-1))
                .getMessage().contains("epoch -1"));
    }
}
