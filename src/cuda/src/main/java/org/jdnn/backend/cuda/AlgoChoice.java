package org.jdnn.backend.cuda;

import org.jdnn.bindings.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Convolution algorithms: which of cuDNN's measured candidates to run, and a bounded cache so each shape is measured
 * once ({@code cudnnFind...AlgorithmEx} runs every algorithm, far too slow per call).
 */
final class AlgoChoice {
    /** One row of cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t. */
    record Perf(int algo, int status, float time, long memory, int determinism, int mathType) {
    }

    /** The algorithm to run and the workspace it needs. */
    record Chosen(int algo, long workspace) {
    }

    private AlgoChoice() {
    }

    /**
     * Room for {@code count} rows of cudnnFind...AlgorithmEx's results. The forward, backward-data and
     * backward-filter perf structs differ only in the C type of {@code algo} (an enum, an int), so one layout, the
     * forward one, serves all three passes.
     */
    static MemorySegment perfRows(int count, SegmentAllocator allocator) {
        return cudnnConvolutionFwdAlgoPerf_t.allocateArray(count, allocator);
    }

    /** The first {@code count} rows of {@link #perfRows}, as cuDNN filled them (sorted by time). */
    static List<Perf> read(MemorySegment rows, int count) {
        List<Perf> perfs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MemorySegment row = cudnnConvolutionFwdAlgoPerf_t.asSlice(rows, i);
            perfs.add(new Perf(cudnnConvolutionFwdAlgoPerf_t.algo(row), cudnnConvolutionFwdAlgoPerf_t.status(row),
                    cudnnConvolutionFwdAlgoPerf_t.time(row), cudnnConvolutionFwdAlgoPerf_t.memory(row),
                    cudnnConvolutionFwdAlgoPerf_t.determinism(row), cudnnConvolutionFwdAlgoPerf_t.mathType(row)));
        }
        return perfs;
    }

    /**
     * The fastest usable candidate ({@code perfs} come sorted by time): one that ran successfully, without tensor-op
     * math (TF32 would break float32 parity), and deterministic when {@code deterministic} is set; null when none is.
     */
    static Perf pick(List<Perf> perfs, boolean deterministic) {
        for (Perf p : perfs) {
            boolean tensorOps = p.mathType() == cudnn_h.CUDNN_TENSOR_OP_MATH()
                    || p.mathType() == cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION();
            boolean ok = p.status() == cudnn_h.CUDNN_STATUS_SUCCESS() && !tensorOps
                    && (!deterministic || p.determinism() == cudnn_h.CUDNN_DETERMINISTIC());
            if (ok) {
                return p;
            }
        }
        return null;
    }

    /** A least-recently-used map of at most {@code capacity} choices: varying batch sizes cannot grow it without bound. */
    static final class Cache {
        private final int capacity;
        private final Map<String, Chosen> entries;
        private long measured;

        Cache(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("jdnn.cuda.algoCacheSize: must be >= 1, got " + capacity);
            }
            this.capacity = capacity;
            this.entries = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Chosen> eldest) {
                    return size() > Cache.this.capacity;
                }
            };
        }

        /** The choice for {@code key}, measured by {@code find} the first time (and again once evicted). */
        Chosen get(String key, Supplier<Chosen> find) {
            synchronized (this) {
                Chosen known = entries.get(key);
                if (known != null) {
                    return known;
                }
            }
            Chosen chosen = find.get(); // outside the lock: measuring runs kernels
            synchronized (this) {
                measured++;
                entries.put(key, chosen);
            }
            return chosen;
        }

        synchronized int size() {
            return entries.size();
        }

        /** How many times a choice was measured. */
        synchronized long measured() {
            return measured;
        }
    }
}
