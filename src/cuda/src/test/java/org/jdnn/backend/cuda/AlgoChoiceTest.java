package org.jdnn.backend.cuda;

import org.jdnn.bindings.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.jdnn.bindings.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.jdnn.bindings.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_DETERMINISTIC;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_FMA_MATH;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_NON_DETERMINISTIC;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_STATUS_SUCCESS;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_TENSOR_OP_MATH;
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
                perf(6, FAILED, CUDNN_NON_DETERMINISTIC(), CUDNN_FMA_MATH()),
                perf(1, CUDNN_STATUS_SUCCESS(), CUDNN_NON_DETERMINISTIC(), CUDNN_TENSOR_OP_MATH()), // TF32: not float32
                perf(4, CUDNN_STATUS_SUCCESS(), CUDNN_NON_DETERMINISTIC(), CUDNN_FMA_MATH()),
                perf(0, CUDNN_STATUS_SUCCESS(), CUDNN_DETERMINISTIC(), CUDNN_FMA_MATH()));
        assertEquals(4, AlgoChoice.pick(measured, false).algo());
        assertEquals(0, AlgoChoice.pick(measured, true).algo(), "deterministic setting");
    }

    @Test
    void rowsOfEveryPassReadBackAsWritten() {
        // cuDNN writes cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t rows; jdnn reads all three with one layout.
        assertEquals(cudnnConvolutionFwdAlgoPerf_t.layout().withName("row"),
                cudnnConvolutionBwdDataAlgoPerf_t.layout().withName("row"), "backward data perf layout");
        assertEquals(cudnnConvolutionFwdAlgoPerf_t.layout().withName("row"),
                cudnnConvolutionBwdFilterAlgoPerf_t.layout().withName("row"), "backward filter perf layout");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rows = AlgoChoice.perfRows(3, arena);
            assertEquals(3 * 48, rows.byteSize(), "three 48-byte rows");
            MemorySegment second = cudnnConvolutionBwdFilterAlgoPerf_t.asSlice(rows, 1);
            cudnnConvolutionBwdFilterAlgoPerf_t.algo(second, 5);
            cudnnConvolutionBwdFilterAlgoPerf_t.status(second, CUDNN_STATUS_SUCCESS());
            cudnnConvolutionBwdFilterAlgoPerf_t.time(second, 0.25f);
            cudnnConvolutionBwdFilterAlgoPerf_t.memory(second, 3L << 32);
            cudnnConvolutionBwdFilterAlgoPerf_t.determinism(second, CUDNN_DETERMINISTIC());
            cudnnConvolutionBwdFilterAlgoPerf_t.mathType(second, CUDNN_FMA_MATH());
            List<AlgoChoice.Perf> read = AlgoChoice.read(rows, 2);
            assertEquals(new AlgoChoice.Perf(0, 0, 0f, 0L, 0, 0), read.get(0), "untouched first row");
            assertEquals(new AlgoChoice.Perf(5, CUDNN_STATUS_SUCCESS(), 0.25f, 3L << 32, CUDNN_DETERMINISTIC(),
                    CUDNN_FMA_MATH()), read.get(1), "second row");
        }
    }

    @Test
    void noUsableAlgorithmGivesNull() {
        assertNull(AlgoChoice.pick(List.of(perf(1, FAILED, CUDNN_DETERMINISTIC(), CUDNN_FMA_MATH())), false));
        assertNull(AlgoChoice.pick(List.of(perf(1, CUDNN_STATUS_SUCCESS(), CUDNN_NON_DETERMINISTIC(), CUDNN_FMA_MATH())),
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
