package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Batch normalization on oneDNN, plain (N, C) or NCHW. Training runs {@code forward_training}, which writes
 * the batch mean and biased variance; inference uses {@code dnnl_use_global_stats} with the given statistics.
 * Backward is {@code dnnl_backward} with a scale or a shift gradient, else {@code dnnl_backward_data},
 * with the matching forward as hint. Argument order: src, mean, variance, [scale], [shift], dst forward;
 * src, mean, variance, diff_dst, [scale], diff_src, [diff_scale], [diff_shift] backward.
 *
 * <p>oneDNN has no primitive for the running-statistics update, O(channels) bookkeeping: it is a plain float loop
 * here ({@link #updateRunningStats}), run after the training forward when running statistics are given.
 */
final class OneDnnBatchNorm {
    static final String OP = "batchnorm";

    private record Key(long[] dims, float epsilon, boolean training, boolean backward, boolean scale,
                       boolean shift, boolean fullBackward, int threads) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(dims, k.dims) && Float.compare(epsilon, k.epsilon) == 0
                    && training == k.training && backward == k.backward && scale == k.scale && shift == k.shift
                    && fullBackward == k.fullBackward && threads == k.threads;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(dims), epsilon, training, backward, scale, shift,
                    fullBackward, threads);
        }

        @Override
        public String toString() {
            return "Key[dims=" + java.util.Arrays.toString(dims) + ", epsilon=" + epsilon + ", training=" + training
                    + ", backward=" + backward + ", scale=" + scale + ", shift=" + shift
                    + ", fullBackward=" + fullBackward + ", threads=" + threads + "]";
        }
    }

    private OneDnnBatchNorm() {
    }

    /** Registers the batchnorm kernels. */
    static void register(OneDnnBackend backend, KernelTable table) {
        table.put(BatchNormOps.INFERENCE, (p, in, out) -> forward(backend, p, false,
                        BatchNormShapes.infer(in[0].shape(), false), in[0], in[1], in[2], in[3], in[4], out[0]))
                .put(BatchNormOps.TRAINING, (p, in, out) -> {
                    BatchNormShapes s = BatchNormShapes.infer(in[0].shape(), true);
                    forward(backend, p, true, s, in[0], in[1], in[2], out[1], out[2], out[0]);
                    if (in[3] != null) {
                        updateRunningStats(p, s.count(), s.channels(), TensorAccess.segment(out[1]),
                                TensorAccess.segment(out[2]), TensorAccess.segment(in[3]), TensorAccess.segment(in[4]));
                    }
                })
                .put(BatchNormOps.BACKWARD, (p, in, out) -> backward(backend, p.norm(), p.training(),
                        BatchNormShapes.infer(in[0].shape(), p.training()), in[0], in[1], in[2], in[3], in[4], out[0],
                        out[1], out[2]))
                .put(BatchNormOps.RUNNING_STATS, (p, in, out) -> updateRunningStats(p.norm(), p.count(),
                        in[0].size(0), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                        TensorAccess.segment(in[2]), TensorAccess.segment(in[3])));
    }

    /**
     * {@code running = (1 - m) running + m statistic} per channel, the variance made unbiased by
     * {@code count / (count - 1)}: float arithmetic, one independent element per iteration.
     */
    static void updateRunningStats(BatchNormParams p, long count, long channels, MemorySegment mean,
                                   MemorySegment variance, MemorySegment runningMean, MemorySegment runningVariance) {
        float momentum = p.momentum(), keep = 1 - momentum;
        float varianceWeight = (float) (p.momentum() * ((double) count / (count - 1)));
        for (long c = 0; c < channels; c++) {
            runningMean.setAtIndex(JAVA_FLOAT, c,
                    keep * runningMean.getAtIndex(JAVA_FLOAT, c) + momentum * mean.getAtIndex(JAVA_FLOAT, c));
            runningVariance.setAtIndex(JAVA_FLOAT, c, keep * runningVariance.getAtIndex(JAVA_FLOAT, c)
                    + varianceWeight * variance.getAtIndex(JAVA_FLOAT, c));
        }
    }

    static void forward(OneDnnBackend backend, BatchNormParams p, boolean training, BatchNormShapes s, Tensor src,
                        Tensor scale, Tensor shift, Tensor mean, Tensor variance, Tensor dst) {
        if (src.numel() == 0) {
            return;
        }
        Key key = new Key(s.src().dims(), p.epsilon(), training, false, scale != null, shift != null, false,
                ThreadCount.get());
        List<MemorySegment> data = new ArrayList<>(List.of(TensorAccess.segment(src), TensorAccess.segment(mean),
                TensorAccess.segment(variance)));
        if (scale != null) {
            data.add(TensorAccess.segment(scale));
        }
        if (shift != null) {
            data.add(TensorAccess.segment(shift));
        }
        data.add(TensorAccess.segment(dst));
        backend.execute(OP, key, () -> create(backend, key), data.toArray(MemorySegment[]::new));
    }

    static void backward(OneDnnBackend backend, BatchNormParams p, boolean training, BatchNormShapes s, Tensor src,
                         Tensor diffDst, Tensor scale, Tensor mean, Tensor variance, Tensor diffSrc, Tensor diffScale,
                         Tensor diffShift) {
        if (src.numel() == 0) {
            fillZero(diffScale);
            fillZero(diffShift);
            return;
        }
        // With a scale, oneDNN (3.13) wants diff_scale even for dnnl_backward_data (its execute reports invalid
        // arguments without it),
        // so any scaled backward is dnnl_backward; a scale gradient the caller did not ask for goes to a temporary.
        boolean fullBackward = scale != null || diffShift != null;
        boolean useShift = diffShift != null;
        Tensor scratchScale = scale != null && diffScale == null ? Tensor.empty(s.channels()) : null;
        try {
            Key key = new Key(s.src().dims(), p.epsilon(), training, true, scale != null, useShift, fullBackward,
                    ThreadCount.get());
            List<MemorySegment> data = new ArrayList<>(List.of(TensorAccess.segment(src), TensorAccess.segment(mean),
                    TensorAccess.segment(variance), TensorAccess.segment(diffDst)));
            if (scale != null) {
                data.add(TensorAccess.segment(scale));
            }
            data.add(TensorAccess.segment(diffSrc));
            if (scale != null) {
                data.add(TensorAccess.segment(diffScale != null ? diffScale : scratchScale));
            }
            if (useShift) {
                data.add(TensorAccess.segment(diffShift));
            }
            backend.execute(OP, key, () -> create(backend, key), data.toArray(MemorySegment[]::new));
        } finally {
            if (scratchScale != null) {
                scratchScale.close();
            }
        }
    }

    private static void fillZero(Tensor t) {
        if (t != null) {
            TensorAccess.segment(t).fill((byte) 0);
        }
    }

    private static CachedPrimitive create(OneDnnBackend backend, Key key) {
        String label = "batchnorm " + key;
        int flags = (key.scale() ? dnnl_h.dnnl_use_scale() : 0) | (key.shift() ? dnnl_h.dnnl_use_shift() : 0)
                | (key.training() ? 0 : dnnl_h.dnnl_use_global_stats());
        try (Descriptors d = new Descriptors()) {
            MemorySegment md = d.plain(key.dims());
            MemorySegment forwardSlot = d.handleSlot();
            int prop = key.training() || key.backward() ? dnnl_h.dnnl_forward_training() : dnnl_h.dnnl_forward_inference();
            Dnnl.check(dnnl_h.dnnl_batch_normalization_forward_primitive_desc_create(forwardSlot,
                    backend.engine().handle(), prop, md, md, key.epsilon(), flags, d.userScratchpadAttr()),
                    "dnnl_batch_normalization_forward_primitive_desc_create", label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (!key.backward()) {
                List<Integer> args = new ArrayList<>(List.of(dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_MEAN(),
                        dnnl_h.DNNL_ARG_VARIANCE()));
                if (key.scale()) {
                    args.add(dnnl_h.DNNL_ARG_SCALE());
                }
                if (key.shift()) {
                    args.add(dnnl_h.DNNL_ARG_SHIFT());
                }
                args.add(dnnl_h.DNNL_ARG_DST());
                return new CachedPrimitive(backend.engine(), forward, args.stream().mapToInt(Integer::intValue).toArray(), label);
            }
            d.temporary(forward);
            MemorySegment backwardSlot = d.handleSlot();
            int backwardProp = key.fullBackward() ? dnnl_h.dnnl_backward() : dnnl_h.dnnl_backward_data();
            Dnnl.check(dnnl_h.dnnl_batch_normalization_backward_primitive_desc_create(backwardSlot,
                    backend.engine().handle(), backwardProp, md, md, md, key.epsilon(), flags, forward,
                    d.userScratchpadAttr()), "dnnl_batch_normalization_backward_primitive_desc_create", label);
            List<Integer> args = new ArrayList<>(List.of(dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_MEAN(),
                    dnnl_h.DNNL_ARG_VARIANCE(), dnnl_h.DNNL_ARG_DIFF_DST()));
            if (key.scale()) {
                args.add(dnnl_h.DNNL_ARG_SCALE());
            }
            args.add(dnnl_h.DNNL_ARG_DIFF_SRC());
            if (key.fullBackward() && key.scale()) {
                args.add(dnnl_h.DNNL_ARG_DIFF_SCALE());
            }
            if (key.shift()) {
                args.add(dnnl_h.DNNL_ARG_DIFF_SHIFT());
            }
            return new CachedPrimitive(backend.engine(), backwardSlot.get(ADDRESS, 0),
                    args.stream().mapToInt(Integer::intValue).toArray(), label);
        }
    }
}
