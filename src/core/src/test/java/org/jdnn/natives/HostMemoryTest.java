package org.jdnn.natives;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching host allocator: aligned blocks, size classes, and reuse instead of malloc in steady state. */
class HostMemoryTest {

    @Test
    void blocksAreAlignedAndExactlyTheRequestedSize() {
        for (long bytes : new long[] {0, 1, 63, 64, 65, 1000, 4096, 1 << 20}) {
            MemorySegment block = HostMemory.allocate(bytes);
            assertEquals(bytes, block.byteSize());
            assertEquals(0, block.address() % HostMemory.ALIGNMENT, "alignment of a " + bytes + "-byte block");
            HostMemory.release(block);
        }
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        for (long bytes = 1; bytes < 10_000_000; bytes = bytes * 3 + 7) {
            long capacity = HostMemory.sizeClass(bytes);
            assertTrue(capacity >= bytes && capacity <= Math.max(HostMemory.ALIGNMENT, bytes * 1.25 + 64),
                    bytes + " -> " + capacity);
            assertEquals(capacity, HostMemory.sizeClass(capacity), "a class is its own class");
        }
    }

    @Test
    void aSteadyAllocationPatternStopsCallingMalloc() {
        long[] sizes = {4000, 128, 1 << 16, 777};
        MemorySegment[] blocks = new MemorySegment[sizes.length];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < sizes.length; i++) {
                blocks[i] = HostMemory.allocate(sizes[i]);
            }
            for (MemorySegment block : blocks) {
                HostMemory.release(block);
            }
        }
        long mallocs = HostMemory.stats().mallocCalls();
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < sizes.length; i++) {
                blocks[i] = HostMemory.allocate(sizes[i]);
            }
            for (MemorySegment block : blocks) {
                HostMemory.release(block);
            }
        }
        assertEquals(mallocs, HostMemory.stats().mallocCalls());
    }

    @Test
    void theAdaptiveCacheHoldsAWorkingSetAboveItsFloorSoSteadyStepsStopCallingMalloc() {
        HostMemory.Limits saved = HostMemory.limits();
        long block = 16 << 20;
        int blocks = (int) (3 * CacheCap.FLOOR / block); // a "step" of 192 MiB, three times the floor
        try {
            HostMemory.configure(new HostMemory.Limits(HostMemory.Limits.ADAPTIVE, saved.budgetBytes()));
            long steady = mallocsPerStep(blocks, block, 3, 5);
            assertEquals(0, steady, "mallocs over 5 steady steps of " + blocks + " x " + block + " bytes");
            assertTrue(HostMemory.cacheLimit() >= blocks * block, "the cap " + HostMemory.cacheLimit()
                    + " covers the working set");

            HostMemory.configure(new HostMemory.Limits(CacheCap.FLOOR, saved.budgetBytes()));
            assertTrue(mallocsPerStep(blocks, block, 3, 5) >= 5 * (blocks - CacheCap.FLOOR / block),
                    "a fixed cap at the floor cannot hold the working set: every step mallocs what it cannot keep");
        } finally {
            HostMemory.configure(saved);
        }
    }

    /** The malloc calls of {@code steps} steps (each allocates then frees the working set) after warm-up steps. */
    private static long mallocsPerStep(int blocks, long bytes, int warmUp, int steps) {
        MemorySegment[] held = new MemorySegment[blocks];
        long before = 0;
        for (int step = 0; step < warmUp + steps; step++) {
            if (step == warmUp) {
                before = HostMemory.stats().mallocCalls();
            }
            for (int i = 0; i < blocks; i++) {
                held[i] = HostMemory.allocate(bytes);
            }
            for (MemorySegment b : held) {
                HostMemory.release(b);
            }
        }
        return HostMemory.stats().mallocCalls() - before;
    }
}
