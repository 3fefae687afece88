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
}
