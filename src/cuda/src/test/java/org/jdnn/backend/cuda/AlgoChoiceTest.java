package org.jdnn.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.jdnn.natives.cuda.CudaConstants.Cudnn.CUDNN_DETERMINISTIC;
import static org.jdnn.natives.cuda.CudaConstants.Cudnn.CUDNN_FMA_MATH;
import static org.jdnn.natives.cuda.CudaConstants.Cudnn.CUDNN_NON_DETERMINISTIC;
import static org.jdnn.natives.cuda.CudaConstants.Cudnn.CUDNN_STATUS_SUCCESS;
import static org.jdnn.natives.cuda.CudaConstants.Cudnn.CUDNN_TENSOR_OP_MATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which measured convolution algorithm runs, and the bounded cache that keeps the choice per shape. */
class AlgoChoiceTest {
    private static final int FAILED = 9; // any status but success

    private static AlgoChoice.Perf perf(int algo, int status, int determinism, int math) {
        return new AlgoChoice.Perf(algo, status, algo * 0.1f, 1024L * algo, determinism, math);
    }

    @Test
    void theFastestSuccessfulFloat32AlgorithmIsPicked() {
        List<AlgoChoice.Perf> measured = List.of(
                perf(6, FAILED, CUDNN_NON_DETERMINISTIC, CUDNN_FMA_MATH),
                perf(1, CUDNN_STATUS_SUCCESS, CUDNN_NON_DETERMINISTIC, CUDNN_TENSOR_OP_MATH), // TF32: not float32
                perf(4, CUDNN_STATUS_SUCCESS, CUDNN_NON_DETERMINISTIC, CUDNN_FMA_MATH),
                perf(0, CUDNN_STATUS_SUCCESS, CUDNN_DETERMINISTIC, CUDNN_FMA_MATH));
        assertEquals(4, AlgoChoice.pick(measured, false).algo());
        assertEquals(0, AlgoChoice.pick(measured, true).algo(), "deterministic setting");
    }

    @Test
    void noUsableAlgorithmGivesNull() {
        assertNull(AlgoChoice.pick(List.of(perf(1, FAILED, CUDNN_DETERMINISTIC, CUDNN_FMA_MATH)), false));
        assertNull(AlgoChoice.pick(List.of(perf(1, CUDNN_STATUS_SUCCESS, CUDNN_NON_DETERMINISTIC, CUDNN_FMA_MATH)),
                true));
    }

    @Test
    void eachKeyIsMeasuredOnceAndTheLeastRecentlyUsedIsEvictedPastTheCapacity() {
        AlgoChoice.Cache cache = new AlgoChoice.Cache(2);
        AtomicInteger finds = new AtomicInteger();
        java.util.function.Function<Integer, java.util.function.Supplier<AlgoChoice.Chosen>> find = algo -> () -> {
            finds.incrementAndGet();
            return new AlgoChoice.Chosen(algo, 0);
        };
        assertEquals(1, cache.get("a", find.apply(1)).algo());
        assertEquals(1, cache.get("a", find.apply(7)).algo(), "cached: not measured again");
        cache.get("b", find.apply(2));
        cache.get("a", find.apply(8)); // a is now the most recent
        cache.get("c", find.apply(3)); // evicts b
        assertEquals(2, cache.size());
        assertEquals(3, finds.get());
        assertEquals(4, cache.get("b", find.apply(4)).algo(), "b was evicted and is measured again");
        assertEquals(4, cache.measured());
    }

    @Test
    void aCacheOfNoEntriesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AlgoChoice.Cache(0));
        assertEquals("jdnn.cuda.algoCacheSize: must be >= 1, got 0", e.getMessage());
    }
}
