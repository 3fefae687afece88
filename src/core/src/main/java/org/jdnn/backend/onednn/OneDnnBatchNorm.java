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
 * <p>An image held in a primitive's layout ({@link BlockedCopy}; a convolution's output, typically nChw16c) is
 * normalized in that layout ({@link #heldLayout}): src, dst, diff_dst and diff_src are all described in it, the
 * outputs stay held in it, and a diff_dst held in another layout or plain is reordered in. So conv - batch norm -
 * ReLU - conv runs with no reorder, where plain NCHW would cost one there and back plus oneDNN's slower
 * {@code ncsp_bnorm} kernel. The per-channel statistics, scale and shift are plain 1-D either way.
 *
 * <p>oneDNN has no primitive for the running-statistics update, O(channels) bookkeeping: it is a plain float loop
 * here ({@link #updateRunningStats}), run after the training forward when running statistics are given.
 */
final class OneDnnBatchNorm {
    static final String OP = "batchnorm";

    /** {@code layout}: the held layout the image arguments are in ({@link #heldLayout}); null: plain. */
    private record Key(long[] dims, float epsilon, boolean training, boolean backward, boolean scale,
                       boolean shift, boolean fullBackward, int threads, MemoryFormat layout) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(dims, k.dims) && Float.compare(epsilon, k.epsilon) == 0
                    && training == k.training && backward == k.backward && scale == k.scale && shift == k.shift
                    && fullBackward == k.fullBackward && threads == k.threads
                    && java.util.Objects.equals(layout, k.layout);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(dims), epsilon, training, backward, scale, shift,
                    fullBackward, threads, layout);
        }

        @Override
        public String toString() {
            return "Key[dims=" + java.util.Arrays.toString(dims) + ", epsilon=" + epsilon + ", training=" + training
                    + ", backward=" + backward + ", scale=" + scale + ", shift=" + shift
                    + ", fullBackward=" + fullBackward + ", threads=" + threads
                    + ", layout=" + (layout == null ? "plain" : "held " + layout.innerBlocks()) + "]";
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
        BlockedCopy held = heldLayout(backend, s, src);
        try {
            Key key = new Key(s.src().dims(), p.epsilon(), training, false, scale != null, shift != null, false,
                    ThreadCount.get(), held == null ? null : held.format());
            List<Tensor> data = new ArrayList<>(List.of(src, mean, variance));
            if (scale != null) {
                data.add(scale);
            }
            if (shift != null) {
                data.add(shift);
            }
            data.add(dst);
            execute(backend, key, held, data);
        } finally {
            if (held != null) {
                held.done();
            }
        }
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
        // The layout the forward ran in, which its saved input still holds; else the incoming gradient's.
        BlockedCopy held = heldLayout(backend, s, src);
        if (held == null) {
            held = heldLayout(backend, s, diffDst);
        }
        try {
            Key key = new Key(s.src().dims(), p.epsilon(), training, true, scale != null, useShift, fullBackward,
                    ThreadCount.get(), held == null ? null : held.format());
            List<Tensor> data = new ArrayList<>(List.of(src, mean, variance, diffDst));
            if (scale != null) {
                data.add(scale);
            }
            data.add(diffSrc);
            if (scale != null) {
                data.add(diffScale != null ? diffScale : scratchScale);
            }
            if (useShift) {
                data.add(diffShift);
            }
            execute(backend, key, held, data);
        } finally {
            if (held != null) {
                held.done();
            }
            if (scratchScale != null) {
                scratchScale.close();
            }
        }
    }

    /**
     * The copy {@code image} holds, in use until {@link BlockedCopy#done()}, when batch norm can run in its layout:
     * a float32 (N, C, H, W) image held by this backend; else null (the primitive runs on plain NCHW).
     */
    private static BlockedCopy heldLayout(OneDnnBackend backend, BatchNormShapes s, Tensor image) {
        long[] dims = s.src().dims();
        if (dims.length != 4 || !java.util.Arrays.equals(dims, image.shape().dims())) {
            return null;
        }
        BlockedCopy held = BlockedCopy.acquire(backend, image, null);
        if (held != null && held.format().dataType() != dnnl_h.dnnl_f32()) {
            held.done();
            return null;
        }
        return held;
    }

    /** Runs the primitive for {@code key} on {@code data} (one tensor per argument), in {@code held}'s layout if set. */
    private static void execute(OneDnnBackend backend, Key key, BlockedCopy held, List<Tensor> data) {
        MemorySegment layoutMd = held == null ? null : held.md();
        backend.execute(OP, key, () -> create(backend, key, layoutMd), data.toArray(Tensor[]::new));
        // The second lookup finds the entry just used; it ran plain if oneDNN had only a reference kernel held.
        if (held != null && backend.cachedPrimitive(key, () -> create(backend, key, layoutMd)).reordered()) {
            KernelPaths.record(KernelPaths.BATCHNORM_HELD);
        }
    }

    private static void fillZero(Tensor t) {
        if (t != null) {
            TensorAccess.segment(t).fill((byte) 0);
        }
    }

    /**
     * The primitive for {@code key}: on {@code layoutMd} (the held layout, valid during this call) when the key has
     * a layout and oneDNN has a jit kernel for it, else on plain memory.
     */
    private static CachedPrimitive create(OneDnnBackend backend, Key key, MemorySegment layoutMd) {
        if (layoutMd != null) {
            CachedPrimitive held = create(backend, key, layoutMd, true);
            if (held != null) {
                return held;
            }
        }
        return create(backend, key, null, false);
    }

    /**
     * The primitive on {@code layoutMd} (null: plain) for the image arguments; null when {@code jitOnly} and oneDNN
     * offers only a reference kernel there (then plain NCHW, with its {@code ncsp_bnorm}, is faster).
     */
    private static CachedPrimitive create(OneDnnBackend backend, Key key, MemorySegment layoutMd, boolean jitOnly) {
        String label = "batchnorm " + key;
        int flags = (key.scale() ? dnnl_h.dnnl_use_scale() : 0) | (key.shift() ? dnnl_h.dnnl_use_shift() : 0)
                | (key.training() ? 0 : dnnl_h.dnnl_use_global_stats());
        try (Descriptors d = new Descriptors()) {
            MemorySegment plain = d.plain(key.dims());
            MemorySegment md = layoutMd == null ? plain : layoutMd;
            MemorySegment forwardSlot = d.handleSlot();
            int prop = key.training() || key.backward() ? dnnl_h.dnnl_forward_training() : dnnl_h.dnnl_forward_inference();
            Dnnl.check(dnnl_h.dnnl_batch_normalization_forward_primitive_desc_create(forwardSlot,
                    backend.engine().handle(), prop, md, md, key.epsilon(), flags, d.userScratchpadAttr()),
                    "dnnl_batch_normalization_forward_primitive_desc_create", label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (jitOnly && CachedPrimitive.implementation(forward).startsWith("ref")) {
                dnnl_h.dnnl_primitive_desc_destroy(forward);
                return null;
            }
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
                return primitive(backend, forward, args, plain, label);
            }
            d.temporary(forward);
            MemorySegment backwardSlot = d.handleSlot();
            int backwardProp = key.fullBackward() ? dnnl_h.dnnl_backward() : dnnl_h.dnnl_backward_data();
            Dnnl.check(dnnl_h.dnnl_batch_normalization_backward_primitive_desc_create(backwardSlot,
                    backend.engine().handle(), backwardProp, md, md, md, key.epsilon(), flags, forward,
                    d.userScratchpadAttr()), "dnnl_batch_normalization_backward_primitive_desc_create", label);
            MemorySegment backward = backwardSlot.get(ADDRESS, 0);
            if (jitOnly && CachedPrimitive.implementation(backward).startsWith("ref")) {
                dnnl_h.dnnl_primitive_desc_destroy(backward);
                return null;
            }
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
            return primitive(backend, backward, args, plain, label);
        }
    }

    /**
     * A cached primitive over {@code pd}: the caller's layout of each image argument (src, dst, diff_dst, diff_src)
     * is {@code plain}, so where the primitive runs in a held layout those are reordered or held
     * ({@link CachedPrimitive}); the statistics, scale and shift are the primitive's own plain 1-D.
     */
    private static CachedPrimitive primitive(OneDnnBackend backend, MemorySegment pd, List<Integer> args,
                                             MemorySegment plain, String label) {
        int[] kinds = args.stream().mapToInt(Integer::intValue).toArray();
        MemorySegment[] user = new MemorySegment[kinds.length];
        boolean[] outputs = new boolean[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            int kind = kinds[i];
            boolean image = kind == dnnl_h.DNNL_ARG_SRC() || kind == dnnl_h.DNNL_ARG_DST()
                    || kind == dnnl_h.DNNL_ARG_DIFF_DST() || kind == dnnl_h.DNNL_ARG_DIFF_SRC();
            user[i] = image ? plain : null;
            outputs[i] = kind == dnnl_h.DNNL_ARG_DST() || kind == dnnl_h.DNNL_ARG_DIFF_SRC();
        }
        return new CachedPrimitive(backend.engine(), pd, kinds, user, outputs, label);
    }
}
