package org.jdnn.tensor;

import org.jdnn.autograd.F;
import org.jdnn.natives.HostMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory past the budget ({@code jdnn.host.maxBytes}) is reclaimed from unreachable tensors before an
 * allocation fails, as the JDK does for direct buffers: a loop that never closes its tensors runs at the budget.
 */
class MemoryBudgetTest {
    private static final long MIB = 1 << 20;

    @Test
    void aLoopWithoutScopeAllocatingFarMoreThanTheBudgetCompletesWithinIt() {
        HostMemory.Limits saved = HostMemory.limits();
        System.gc();
        long budget = HostMemory.stats().liveBytes() + 48 * MIB;
        HostMemory.configure(new HostMemory.Limits(saved.cacheBytes(), budget));
        try {
            long allocated = 0, peak = 0;
            for (int step = 0; step < 150; step++) {
                Tensor x = Tensor.zeros(1 << 20);            // 4 MiB, never closed
                Tensor y = F.add(x, x);              // 4 MiB more, never closed
                allocated += 8 * MIB;
                peak = Math.max(peak, HostMemory.stats().liveBytes() + HostMemory.stats().cachedBytes());
                assertTrue(y.numel() == x.numel());
            }
            assertTrue(allocated > 20 * 48 * MIB, "the loop allocates far more than the budget");
            assertTrue(peak <= budget, "live + cached bytes " + peak + " stay within the budget " + budget);
        } finally {
            HostMemory.configure(saved);
        }
    }

    @Test
    void aRequestPastTheBudgetIsAnOutOfMemoryErrorNamingTheBudget() {
        HostMemory.Limits saved = HostMemory.limits();
        long budget = HostMemory.stats().liveBytes() + 16 * MIB;
        HostMemory.configure(new HostMemory.Limits(saved.cacheBytes(), budget));
        try {
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> Tensor.empty(budget / 4 + 1));
            assertTrue(e.getMessage().contains("jdnn.host.maxBytes"), e.getMessage());
        } finally {
            HostMemory.configure(saved);
        }
    }
}
