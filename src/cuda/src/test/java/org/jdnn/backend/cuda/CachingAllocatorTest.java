package org.jdnn.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching device allocator over a fake device memory: size classes, reuse per stream, out of memory. */
class CachingAllocatorTest {
    /** A device of {@code capacity} bytes handing out increasing addresses, recording every call. */
    static final class FakeMemory implements CachingAllocator.RawMemory {
        final long capacity;
        final Map<Long, Long> blocks = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        long next = 0x1000;
        long used;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            calls.add("malloc " + bytes);
            if (used + bytes > capacity) {
                return 0;
            }
            long address = next;
            next += bytes;
            used += bytes;
            blocks.put(address, bytes);
            return address;
        }

        @Override
        public void free(long address) {
            calls.add("free " + blocks.get(address));
            used -= blocks.remove(address);
        }

        @Override
        public void synchronize() {
            calls.add("synchronize");
        }

        @Override
        public long freeBytes() {
            return capacity - used;
        }
    }

    private static final Object STREAM_A = "stream A";
    private static final Object STREAM_B = "stream B";

    @Test
    void sizeClassesAreMultiplesOf512AtMostAQuarterOr511BytesAboveTheRequest() {
        long[][] cases = {{0, 512}, {1, 512}, {512, 512}, {513, 1024}, {1000, 1024}, {1025, 1536}, {4096, 4096},
                {4097, 5120}, {1_000_000, 1_048_576}, {(1 << 20) + 1, 1_310_720}};
        for (long[] c : cases) {
            long size = CachingAllocator.sizeClass(c[0]);
            assertEquals(c[1], size, "size class of " + c[0]);
            assertEquals(0, size % 512, "multiple of 512 for " + c[0]);
            assertTrue(size <= Math.max(512, Math.max(c[0] + 511, c[0] * 1.25)), "at most 25% or 511 bytes above " + c[0] + ": "
                    + size);
        }
    }

    @Test
    void aFreedBlockServesTheNextRequestOfItsClassOnTheSameStreamWithoutANewMalloc() {
        FakeMemory raw = new FakeMemory(1 << 20);
        CachingAllocator allocator = new CachingAllocator("cuda:0", raw);
        long first = allocator.allocate(1000, STREAM_A);
        allocator.free(first);
        long second = allocator.allocate(900, STREAM_A); // same class (1024)
        assertEquals(first, second, "the cached block is reused");
        assertEquals(List.of("malloc 1024"), raw.calls);
        CachingAllocator.Stats stats = allocator.stats();
        assertEquals(List.of(1L, 1024L, 0L, 0L, 1L, 1L), List.of(stats.liveBlocks(), stats.liveBytes(),
                stats.cachedBlocks(), stats.cachedBytes(), stats.rawAllocations(), stats.reuses()), stats.toString());
    }

    @Test
    void anotherStreamDoesNotReuseABlockItsOwnerMayStillBeUsing() {
        FakeMemory raw = new FakeMemory(1 << 20);
        CachingAllocator allocator = new CachingAllocator("cuda:0", raw);
        long onA = allocator.allocate(4096, STREAM_A);
        allocator.free(onA);
        long onB = allocator.allocate(4096, STREAM_B);
        assertNotEquals(onA, onB, "stream B must get its own block");
        assertEquals(List.of("malloc 4096", "malloc 4096"), raw.calls);
        assertEquals(onA, allocator.allocate(4096, STREAM_A), "stream A gets its block back");
    }

    @Test
    void outOfMemoryReleasesTheCacheAndRetriesOnce() {
        FakeMemory raw = new FakeMemory(8192);
        CachingAllocator allocator = new CachingAllocator("cuda:0", raw);
        allocator.free(allocator.allocate(4096, STREAM_A));
        allocator.free(allocator.allocate(2048, STREAM_A));
        long big = allocator.allocate(8192, STREAM_A); // needs the cached 6 KiB back
        assertTrue(big != 0);
        assertEquals(List.of("malloc 4096", "malloc 2048", "malloc 8192", "synchronize"), raw.calls.subList(0, 4),
                "synchronize before the cached blocks go back");
        assertEquals(java.util.Set.of("free 4096", "free 2048"), java.util.Set.copyOf(raw.calls.subList(4, 6)));
        assertEquals("malloc 8192", raw.calls.get(6), "then the retry");
        CachingAllocator.Stats stats = allocator.stats();
        assertEquals(List.of(0L, 0L, 1L), List.of(stats.cachedBlocks(), stats.cachedBytes(), stats.cacheFlushes()));
    }

    @Test
    void outOfMemoryAfterTheRetryNamesTheBytesRequestedAndFree() {
        FakeMemory raw = new FakeMemory(8192);
        CachingAllocator allocator = new CachingAllocator("cuda:0", raw);
        allocator.allocate(6000, STREAM_A); // 6144 live
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> allocator.allocate(3000, STREAM_A));
        assertEquals("cuda:0 out of memory: 3000 bytes requested (block of 3072), 2048 bytes free on the device,"
                + " 6144 bytes held by live tensors (the cache was emptied and the allocation retried); free tensors"
                + " (close them or a Scope) or use a smaller batch", e.getMessage());
    }

    @Test
    void freeingABlockTwiceIsRefused() {
        CachingAllocator allocator = new CachingAllocator("cuda:0", new FakeMemory(1 << 20));
        long block = allocator.allocate(512, STREAM_A);
        allocator.free(block);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> allocator.free(block));
        assertTrue(e.getMessage().contains("is not live"), e.getMessage());
    }

    @Test
    void aSteadyStateLoopCallsMallocOnlyInItsFirstStep() {
        FakeMemory raw = new FakeMemory(1 << 24);
        CachingAllocator allocator = new CachingAllocator("cuda:0", raw);
        long[] sizes = {4 * 784 * 64, 4 * 128 * 784, 4 * 128, 4 * 64 * 10, 4 * 64};
        for (int step = 0; step < 5; step++) {
            List<Long> blocks = new ArrayList<>();
            for (long size : sizes) {
                blocks.add(allocator.allocate(size, STREAM_A));
            }
            blocks.forEach(allocator::free);
        }
        assertEquals(sizes.length, allocator.stats().rawAllocations(), raw.calls.toString());
        assertEquals(4L * sizes.length, allocator.stats().reuses());
        assertTrue(allocator.stats().toString().contains("5 cudaMalloc, 20 reuses"), allocator.stats().toString());
    }
}
