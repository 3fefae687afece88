package org.jdnn.data;

import org.jdnn.Jdnn;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Background prefetching: same batches as without it, runs ahead, stops cleanly, reports failures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataLoaderPrefetchTest {

    /** A copy of every batch of an epoch: indices, labels and features, each batch as one array. */
    private record Epoch(List<int[]> indices, List<int[]> labels, List<float[]> features) {
        void assertSameAs(Epoch other, String what) {
            assertEquals(other.indices.size(), indices.size(), what + ": batch count");
            for (int b = 0; b < indices.size(); b++) {
                assertArrayEquals(other.indices.get(b), indices.get(b), what + ": indices of batch " + b);
                assertArrayEquals(other.labels.get(b), labels.get(b), what + ": labels of batch " + b);
                assertArrayEquals(other.features.get(b), features.get(b), what + ": features of batch " + b);
            }
        }
    }

    private static Epoch read(DataLoader loader, int epoch) {
        Epoch e = new Epoch(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Batch b : loader.epoch(epoch)) {
            e.indices.add(b.indexArray().clone());
            e.labels.add(b.labelArray().clone());
            e.features.add(b.featureArray().clone());
        }
        return e;
    }

    /** 103 samples of [1, 2, 2], batches of 8 (the last of 7), shuffled, randomly flipped and cropped. */
    private static DataLoader.Builder augmented() {
        return DataLoader.builder(DataLoaderTest.counting(103)).batchSize(8).shuffle(7)
                .transform(Compose.of(RandomCrop.of(2, 1), RandomHorizontalFlip.of(), Normalize.of(1, 2)));
    }

    @Test
    void prefetchingGivesTheSameBatchesInTheSameOrder() {
        try (DataLoader plain = augmented().build();
             DataLoader one = augmented().prefetch(1).build();
             DataLoader three = augmented().prefetch(3).build()) {
            assertEquals(0, plain.prefetch());
            assertEquals(3, three.prefetch());
            for (int epoch = 0; epoch < 3; epoch++) {
                Epoch expected = read(plain, epoch);
                assertEquals(13, expected.indices.size());
                assertEquals(7, expected.indices.get(12).length, "the final partial batch");
                read(one, epoch).assertSameAs(expected, "prefetch 1, epoch " + epoch);
                read(three, epoch).assertSameAs(expected, "prefetch 3, epoch " + epoch);
            }
        }
    }

    @Test
    void tensorsMadeFromPrefetchedBatchesAreTheCallersAndNothingLeaks() {
        long live = Jdnn.hostMemoryInUse();
        float sum = 0;
        try (DataLoader loader = augmented().prefetch(2).build()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (Batch b : loader.epoch(epoch)) {
                    try (Scope scope = Scope.open()) {
                        Tensor x = b.features();
                        assertArrayEquals(b.featureShape(), x.dims());
                        assertArrayEquals(b.featureArray(), x.toFloatArray(), "the tensor copies the batch");
                        sum += b.labels().sum().item();
                    }
                }
            }
            Iterator<Batch> abandoned = loader.epoch(2).iterator(); // closed mid-epoch
            abandoned.next();
        }
        assertEquals(2 * (34 + 2 * 34), sum, "labels i % 3 of 103 samples, twice");
        assertTrue(Jdnn.hostMemoryInUse() <= live, "reading epochs with prefetching leaked native memory");
    }

    @Test
    void epochsCanBeReadAgainInAnyOrder() {
        try (DataLoader loader = augmented().dropLast(true).prefetch(2).build()) {
            Epoch first = read(loader, 0);
            Epoch second = read(loader, 1);
            read(loader, 0).assertSameAs(first, "epoch 0 read again");
            read(loader, 1).assertSameAs(second, "epoch 1 read again");
            assertFalse(java.util.Arrays.equals(first.features.get(0), second.features.get(0)),
                    "epochs 0 and 1 gave the same first batch");
        }
    }

    @Test
    void aBatchStaysValidWhileTheThreadRunsAhead() throws InterruptedException {
        CountingDataset data = new CountingDataset(64, -1);
        try (DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(2).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            Batch first = it.next();
            // While the reader holds batch 0 the thread fills the two batches ahead, and no more.
            assertTrue(data.awaitReads(12), "the thread did not assemble batches 1 and 2 ahead");
            Thread.sleep(100);
            assertEquals(12, data.reads.get(), "read beyond prefetch(2) while batch 0 is held");
            assertArrayEquals(new int[] {0, 1, 2, 3}, first.indexArray(), "batch 0 was overwritten while held");
            assertEquals(8f, first.featureArray()[8], "sample 2's first value");
            assertTrue(data.threadNames.stream().allMatch(n -> n.startsWith("jdnn-data-prefetch")), data.threadNames.toString());
            Batch second = it.next();
            assertNotSame(first, second, "a held batch is not handed out again before the next call");
            assertArrayEquals(new int[] {4, 5, 6, 7}, second.indexArray());
        }
    }

    @Test
    void aFailureOnTheThreadIsThrownByNextWithTheOriginalCause() {
        CountingDataset data = new CountingDataset(40, 13); // sample 13 lies in batch 3 of 10
        try (DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(2).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            for (int b = 0; b < 3; b++) {
                assertArrayEquals(new int[] {4 * b, 4 * b + 1, 4 * b + 2, 4 * b + 3}, it.next().indexArray());
            }
            DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
            assertSame(data.failure, e.getCause(), "the cause is the dataset's own exception");
            assertTrue(e.getMessage().contains("batch 3 of 10 of epoch 0"), e.getMessage());
            assertTrue(e.getMessage().contains("sample 13 is unreadable"), e.getMessage());
            DataLoaderException again = assertThrows(DataLoaderException.class, it::next);
            assertSame(data.failure, again.getCause(), "a failed epoch stays failed");
            // A new epoch starts a new thread; it fails at the same sample.
            Iterator<Batch> next = loader.epoch(1).iterator();
            next.next();
            assertThrows(ConcurrentModificationException.class, it::next);
        }
    }

    @Test
    void closeStopsTheThreadAndLaterUseThrows() throws InterruptedException {
        CountingDataset data = new CountingDataset(400, -1);
        DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(2).build();
        Iterator<Batch> it = loader.epoch(0).iterator();
        it.next();
        assertTrue(data.awaitReads(12));
        Thread worker = data.lastThread.get();
        assertTrue(worker.isAlive(), "the thread waits for a free buffer");
        loader.close();
        assertFalse(worker.isAlive(), "close() returned before the thread ended");
        var e = assertThrows(IllegalStateException.class, it::next);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> loader.epoch(1));
        loader.close(); // twice is fine
    }

    @Test
    void closeFromAnotherThreadWakesAWaitingReader() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Dataset slow = new Dataset() { // samples from 4 on never arrive (until interrupted)
            @Override public int size() { return 10; }
            @Override public long[] sampleShape() { return new long[] {1}; }
            @Override public int label(int index) { return 0; }
            @Override public void copyFeatures(int index, float[] dst, int offset) {
                if (index >= 4) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted reading sample " + index, e);
                    }
                }
                dst[offset] = index;
            }
        };
        DataLoader loader = DataLoader.builder(slow).batchSize(4).prefetch(1).build();
        Iterator<Batch> it = loader.epoch(0).iterator();
        assertEquals(3f, it.next().featureArray()[3]);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread reader = new Thread(() -> thrown.set(assertThrows(RuntimeException.class, it::next)));
        reader.start();
        while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
            Thread.sleep(5);
        }
        loader.close();
        reader.join(10_000);
        assertFalse(reader.isAlive(), "the reader still waits after close()");
        assertTrue(thrown.get() instanceof IllegalStateException && thrown.get().getMessage().contains("closed"),
                "not the closed loader's exception: " + thrown.get());
    }

    @Test
    void startingAnotherEpochStopsTheAbandonedOne() throws InterruptedException {
        CountingDataset data = new CountingDataset(400, -1);
        try (DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(1).build()) {
            Iterator<Batch> abandoned = loader.epoch(0).iterator();
            abandoned.next();
            assertTrue(data.awaitReads(8));
            Thread first = data.lastThread.get();
            Iterator<Batch> it = loader.epoch(1).iterator();
            assertFalse(first.isAlive(), "the abandoned epoch's thread still runs");
            assertArrayEquals(new int[] {0, 1, 2, 3}, it.next().indexArray());
            assertThrows(ConcurrentModificationException.class, abandoned::next);
        }
    }

    @Test
    void aDroppedLoaderHasItsThreadStoppedWhenCollected() throws InterruptedException {
        CountingDataset data = new CountingDataset(400, -1);
        startAndDrop(data);
        assertTrue(data.awaitReads(8));
        Thread worker = data.lastThread.get();
        // The thread refers to no loader, so the loader can be collected while the thread waits for a buffer.
        for (int i = 0; i < 100 && worker.isAlive(); i++) {
            System.gc();
            worker.join(100);
        }
        assertFalse(worker.isAlive(), "the thread of an unreachable loader still runs");
    }

    private static void startAndDrop(Dataset data) {
        DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(1).build();
        loader.epoch(0).iterator().next();
    }

    @Test
    void theThreadEndsWithTheEpoch() throws InterruptedException {
        CountingDataset data = new CountingDataset(10, -1);
        try (DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(4).build()) {
            List<Integer> sizes = new ArrayList<>();
            for (Batch b : loader.epoch(0)) {
                sizes.add(b.size());
            }
            assertEquals(List.of(4, 4, 2), sizes);
            Thread worker = data.lastThread.get();
            worker.join(10_000);
            assertFalse(worker.isAlive(), "the thread outlived its epoch");
        }
    }

    @Test
    void badPrefetch() {
        var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(DataLoaderTest.counting(3)).prefetch(-1));
        assertTrue(e.getMessage().contains("prefetch -1"), e.getMessage());
    }

    /** Sample i of shape [4] holds 4i .. 4i+3, label 0; counts reads, remembers the reading threads, can fail. */
    private static final class CountingDataset implements Dataset {
        final int size;
        final int failAt;
        final AtomicInteger reads = new AtomicInteger();
        final List<String> threadNames = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Thread> lastThread = new AtomicReference<>();
        final RuntimeException failure;
        private volatile CountDownLatch target = new CountDownLatch(0);
        private volatile int targetReads;

        CountingDataset(int size, int failAt) {
            this.size = size;
            this.failAt = failAt;
            this.failure = new IllegalStateException("sample " + failAt + " is unreadable");
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public long[] sampleShape() {
            return new long[] {4};
        }

        @Override
        public void copyFeatures(int index, float[] dst, int offset) {
            if (index == failAt) {
                throw failure;
            }
            for (int j = 0; j < 4; j++) {
                dst[offset + j] = 4 * index + j;
            }
            lastThread.set(Thread.currentThread());
            threadNames.add(Thread.currentThread().getName());
            if (reads.incrementAndGet() >= targetReads) {
                target.countDown();
            }
        }

        @Override
        public int label(int index) {
            return 0;
        }

        /** Waits (up to 10 s) until at least {@code n} samples were read. */
        boolean awaitReads(int n) throws InterruptedException {
            CountDownLatch latch = new CountDownLatch(1);
            targetReads = n;
            target = latch;
            if (reads.get() >= n) {
                return true;
            }
            return latch.await(10, TimeUnit.SECONDS) || reads.get() >= n;
        }
    }
}
