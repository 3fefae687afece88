package org.jdnn.data;

import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Batching, seeded shuffling, drop-last, buffer reuse, transforms and tensors of the {@link DataLoader}. */
class DataLoaderTest {

    /** n samples of shape [1, 2, 2]; sample i holds 4i .. 4i+3 and has label i % 3. */
    static InMemoryDataset counting(int n) {
        float[] f = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                f[i * 4 + j] = i * 4 + j;
            }
            labels[i] = i % 3;
        }
        return new InMemoryDataset(f, new long[] {1, 2, 2}, labels);
    }

    private static List<Integer> visit(DataLoader loader, int epoch, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            sizes.add(b.size());
            for (int k = 0; k < b.size(); k++) {
                int index = b.indexArray()[k];
                seen.add(index);
                for (int j = 0; j < 4; j++) {
                    assertEquals(index * 4 + j, b.featureArray()[k * 4 + j], "sample " + index + " value " + j);
                }
                assertEquals(index % 3, b.labelArray()[k]);
            }
        }
        return seen;
    }

    @Test
    void inOrderBatchesWithAndWithoutDropLast() {
        InMemoryDataset d = counting(10);
        DataLoader keep = DataLoader.builder(d).batchSize(4).build();
        List<Integer> sizes = new ArrayList<>();
        List<Integer> seen = visit(keep, 0, sizes);
        assertEquals(List.of(4, 4, 2), sizes);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
        assertEquals(3, keep.batchesPerEpoch());
        assertEquals(10, keep.samplesPerEpoch());

        DataLoader drop = DataLoader.builder(d).batchSize(4).dropLast(true).build();
        sizes.clear();
        assertEquals(8, visit(drop, 0, sizes).size());
        assertEquals(List.of(4, 4), sizes);
        assertEquals(2, drop.batchesPerEpoch());

        DataLoader big = DataLoader.builder(d).batchSize(64).dropLast(true).build();
        assertFalse(big.epoch(0).iterator().hasNext(), "drop-last with batch > dataset yields nothing");
        sizes.clear();
        visit(DataLoader.builder(d).batchSize(64).build(), 0, sizes);
        assertEquals(List.of(10), sizes);
    }

    @Test
    void shufflingIsSeededPerEpoch() {
        InMemoryDataset d = counting(101);
        DataLoader a = DataLoader.builder(d).batchSize(8).shuffle(42).build();
        DataLoader b = DataLoader.builder(d).batchSize(8).shuffle(42).build();
        DataLoader c = DataLoader.builder(d).batchSize(8).shuffle(43).build();
        int[] identity = new int[101];
        Arrays.setAll(identity, i -> i);
        List<int[]> orders = new ArrayList<>();
        for (int epoch = 0; epoch < 5; epoch++) {
            List<Integer> sizes = new ArrayList<>();
            int[] seen = visit(a, epoch, sizes).stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(a.order(epoch), seen, "epoch " + epoch + ": batches follow order()");
            assertArrayEquals(seen, b.order(epoch), "seed 42 epoch " + epoch + " differs between loaders");
            assertFalse(Arrays.equals(seen, c.order(epoch)), "seeds 42 and 43 gave the same order in epoch " + epoch);
            assertFalse(Arrays.equals(seen, identity), "epoch " + epoch + " not shuffled");
            int[] sorted = seen.clone();
            Arrays.sort(sorted);
            assertArrayEquals(identity, sorted, "epoch " + epoch + " is not a permutation");
            for (int[] earlier : orders) {
                assertFalse(Arrays.equals(earlier, seen), "two epochs got the same order (seed 42)");
            }
            orders.add(seen);
        }
        // Resuming: a fresh loader asked for epoch 3 directly sees what the first saw after epochs 0..2.
        assertArrayEquals(orders.get(3), DataLoader.builder(d).batchSize(8).shuffle(42).build().order(3));
    }

    @Test
    void tensorsHaveBatchShapes() {
        InMemoryDataset d = counting(5);
        DataLoader loader = DataLoader.builder(d).batchSize(2).build();
        List<long[]> shapes = new ArrayList<>();
        try (Scope scope = Scope.open()) {
            for (Batch b : loader.epoch(0)) {
                Tensor x = b.features();
                Tensor y = b.labels();
                shapes.add(x.dims());
                assertArrayEquals(b.featureArray(), x.toFloatArray());
                assertArrayEquals(new long[] {b.size()}, y.dims());
                for (int k = 0; k < b.size(); k++) {
                    assertEquals(b.labelArray()[k], y.get(k));
                }
            }
            assertEquals(6, scope.size(), "the batch tensors are created in the caller's scope");
        }
        assertArrayEquals(new long[] {2, 1, 2, 2}, shapes.get(0));
        assertArrayEquals(new long[] {1, 1, 2, 2}, shapes.get(2));
    }

    @Test
    void buffersAreReused() {
        DataLoader loader = DataLoader.builder(counting(10)).batchSize(3).shuffle(1).build();
        Iterator<Batch> it = loader.epoch(0).iterator();
        Batch first = it.next();
        float[] features = first.featureArray();
        assertSame(first, it.next());
        assertSame(features, it.next().featureArray());
        assertEquals(1, it.next().size());
        Iterator<Batch> next = loader.epoch(1).iterator();
        assertSame(features, next.next().featureArray(), "buffers survive across epochs");
    }

    /** After warm-up an epoch of 2,000 samples of 784 floats (6 MB of features) allocates almost nothing. */
    @Test
    void noAllocationPerSample() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported(),
                "this JVM cannot measure per-thread allocation");
        var bean = (com.sun.management.ThreadMXBean) threads;
        int n = 2000;
        byte[] pixels = new byte[n * 784];
        new SplittableRandom(5).nextBytes(pixels);
        UnsignedByteDataset d = new UnsignedByteDataset(pixels, new long[] {1, 28, 28}, new int[n], 1f / 255f);
        DataLoader loader = DataLoader.builder(d).batchSize(64).shuffle(9).transform(Normalize.of(0.3f, 0.35f)).build();
        double sum = 0;
        for (int epoch = 0; epoch < 3; epoch++) { // warm-up: buffers, JIT
            for (Batch b : loader.epoch(epoch)) {
                sum += b.featureArray()[0];
            }
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (Batch b : loader.epoch(3)) {
            sum += b.featureArray()[0];
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "one epoch allocated " + allocated + " bytes (sum " + sum + ")");
    }

    @Test
    void transformIsAppliedToEverySample() {
        InMemoryDataset d = counting(6);
        Normalize norm = Normalize.fit(d);
        DataLoader loader = DataLoader.builder(d).batchSize(4).transform(norm).build();
        double sum = 0, sumSquares = 0;
        int count = 0;
        for (Batch b : loader.epoch(0)) {
            for (int k = 0; k < b.size() * 4; k++) {
                double v = b.featureArray()[k];
                sum += v;
                sumSquares += v * v;
                count++;
            }
        }
        assertEquals(24, count);
        assertEquals(0, sum / count, 1e-5, "normalized mean");
        assertEquals(1, Math.sqrt(sumSquares / count), 1e-5, "normalized std");
        assertEquals(11.5f, norm.mean()[0], 1e-5f);
    }

    @Test
    void perChannelNormalize() {
        // Two channels of two values: channel 0 holds {0, 2}, channel 1 holds {10, 30}.
        InMemoryDataset d = new InMemoryDataset(new float[] {0, 0, 10, 10, 2, 2, 30, 30}, new long[] {2, 2}, new int[2]);
        Normalize n = Normalize.fitPerChannel(d);
        assertArrayEquals(new float[] {1, 20}, n.mean());
        assertArrayEquals(new float[] {1, 10}, n.std());
        float[] x = {0, 2, 10, 30};
        n.apply(x, 0, 4);
        assertArrayEquals(new float[] {-1, 1, -1, 1}, x);
        assertThrows(IllegalArgumentException.class, () -> Normalize.of(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Normalize.perChannel(new float[2], new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> n.apply(new float[3], 0, 3));
    }

    @Test
    void aNewEpochInvalidatesTheOldIterator() {
        DataLoader loader = DataLoader.builder(counting(10)).batchSize(3).build();
        Iterator<Batch> old = loader.epoch(0).iterator();
        old.next();
        loader.epoch(1).iterator();
        var e = assertThrows(ConcurrentModificationException.class, old::next);
        assertTrue(e.getMessage().contains("epoch 0"), e.getMessage());
    }

    @Test
    void badArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(counting(3)).batchSize(0));
        assertTrue(e.getMessage().contains("batch size 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(counting(3)).build().order(-1));
    }
}
