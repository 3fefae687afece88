package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * 2-d pooling on oneDNN, NCHW to the caller, computed in oneDNN's channel-blocked layout where that has a jit
 * kernel ({@link #blockedLayout}); an input already held in that layout is read as it is and the output stays held
 * in it until read ({@link BlockedCopy}). Ceil mode becomes extra trailing padding
 * ({@link Pool2dShapes#padBottomUsed()}); max pooling in training runs {@code forward_training} and keeps
 * oneDNN's workspace, in the primitive's layout, in the tensor it hands back ({@link Pool2dWorkspace}) for the
 * backward, whose descriptor takes the forward as hint.
 *
 * <p>oneDNN's "include padding" average divides by the whole kernel, while PyTorch does not count the ceil-mode
 * overhang past the trailing padding; where the two differ (only windows in that overhang) the result, and
 * the gradient going back, is rescaled by kernel / counted taps.
 */
final class OneDnnPooling {
    static final String OP = "pool2d";

    private enum Phase { INFERENCE, TRAINING, BACKWARD }

    private record Key(PoolAlgorithm algorithm, long n, long c, long inH, long inW, long outH, long outW,
                       long kernelH, long kernelW, long strideH, long strideW, long padTop, long padLeft,
                       long padBottom, long padRight, long dilationH, long dilationW, Phase phase, int threads,
                       boolean blocked) {
        Key(Pool2dParams p, Pool2dShapes s, Phase phase) {
            // A one-tap window has no spacing: dense, so oneDNN's exclude-padding rule below never trips on it.
            this(p.algorithm(), s.batch(), s.channels(), s.inH(), s.inW(), s.outH(), s.outW(), p.kernelH(), p.kernelW(),
                    p.strideH(), p.strideW(), p.padTop(), p.padLeft(), s.padBottomUsed(), s.padRightUsed(),
                    p.kernelH() == 1 ? 1 : p.dilationH(), p.kernelW() == 1 ? 1 : p.dilationW(), phase, ThreadCount.get(),
                    blockedLayout(p));
        }
    }

    private static final String FORMAT = "onednn";

    private OneDnnPooling() {
    }

    /**
     * Registers the pool2d kernels. Average pooling without padding counted whose dilation reaches the input size
     * ({@link #supported}) falls back to the reference kernel; it has no workspace, so forward and backward need not
     * agree on the backend.
     */
    static void register(OneDnnBackend backend, KernelTable table) {
        String sparse = "average pooling excluding padding with a dilation that reaches the input size, "
                + "which oneDNN rejects";
        table.put(Pool2dOps.FORWARD, (p, in, out) -> forward(backend, p, Pool2dShapes.infer(p, in[0].shape()), in[0],
                        out[0], null),
                Fallback.toReference(sparse, (p, in, out) -> !supported(p, in[0].shape())),
                Fallback.toReference(NAN_OR_MINUS_INF, (p, in, out) -> nanOrMinusInf(backend, p, in[0])));
        table.put(Pool2dOps.TRAINING, (p, in, out) -> training(backend, p, in[0], out),
                Fallback.toReference(sparse, (p, in, out) -> !supported(p, in[0].shape())),
                Fallback.toReference(NAN_OR_MINUS_INF, (p, in, out) -> nanOrMinusInf(backend, p, in[0])));
        table.put(Pool2dOps.BACKWARD, (p, in, out) -> backward(backend, p.pool(),
                        Pool2dShapes.infer(p.pool(), p.input()), in[0], in[1], out[0]),
                Fallback.toReference(sparse, (p, in, out) -> !supported(p.pool(), p.input())),
                Fallback.toReference("max pooling whose training forward fell back to the reference (an input "
                        + "holding NaN or -Inf)", (p, in, out) -> in[1] != null && "reference".equals(Pool2dWorkspace.format(in[1]))));
    }

    /**
     * oneDNN's max pooling skips NaN (a window's maximum is its largest number, and the gradient goes there) and
     * gives the lowest float for a window of -Inf only; PyTorch, and the reference, propagate NaN and give -Inf. An
     * input with either value runs on the reference, forward and backward (the workspace says which ran).
     *
     * <p>Knowing costs nothing for the output of oneDNN's ReLU, the input of every pooling in LeNet: its held copy
     * is marked as holding neither value ({@link BlockedCopy#holdsNoNaNOrNegativeInfinity()}) when the ReLU's own
     * pass over its input found neither ({@link ReluSpecialValues}). Any other input is scanned
     * ({@link SpecialValues#anyNaNOrNegativeInfinity}): one vectorised pass over it, its blocked copy where held,
     * which pads pool1's 6 channels to 16 (6.4 MB): about 100-170 us after the ReLU that wrote it, at memory speed.
     * Measured in a conv - ReLU - pool loop (one thread, batch 128, 300 steps, loaded 2-core AVX-512 machine, median
     * (best) in us), the check before then after the mark: pool1 [128,6,28,28] 166-172 (101-104) then 2.3-2.5
     * (0.7-1.0); pool2 [128,16,10,10] 9-12 (8-10) then 0.7-0.8 (0.4); the pooling itself 200-450. Rejected: the
     * pooled output shows a window of -Inf only (the lowest float) but no NaN, which oneDNN drops; a scan split over
     * threads or fused with the pooling by batch slices still reads every input byte once more (at least 40 us from
     * L2 for pool1). An input with a NaN takes the reference: about 5 ms forward for pool1.
     */
    static final String NAN_OR_MINUS_INF = "max pooling of an input holding NaN or -Inf (oneDNN skips NaN and gives "
            + "the lowest float for a window of -Inf only; PyTorch propagates NaN and gives -Inf)";

    private static boolean nanOrMinusInf(OneDnnBackend backend, Pool2dParams p, Tensor src) {
        return p.algorithm() == PoolAlgorithm.MAX && src.numel() > 0
                && SpecialValues.anyNaNOrNegativeInfinity(backend, src);
    }

    /** The training forward: max pooling also makes the workspace (out[1]) its backward reads. */
    private static void training(OneDnnBackend backend, Pool2dParams p, Tensor src, Tensor[] out) {
        Pool2dShapes s = Pool2dShapes.infer(p, src.shape());
        if (p.algorithm() != PoolAlgorithm.MAX) {
            forward(backend, p, s, src, out[0], null);
            return;
        }
        Tensor workspace = Pool2dWorkspace.allocate(workspaceBytes(backend, p, s), src.device());
        out[1] = workspace;
        forward(backend, p, s, src, out[0], workspace);
        Pool2dWorkspace.filled(workspace, FORMAT, p, src.shape());
    }

    /** oneDNN's channel-blocked layout for this CPU: 16 channels per block with AVX-512, else 8. */
    private static final class BlockLayout {
        static final int TAG = avx512() ? dnnl_h.dnnl_nChw16c() : dnnl_h.dnnl_nChw8c();

        private static boolean avx512() {
            String isa = Dnnl.effectiveCpuIsa();
            return isa.startsWith("avx512") || isa.startsWith("avx10");
        }
    }

    /**
     * Whether pooling runs in oneDNN's channel-blocked layout ({@link BlockLayout}), the caller's NCHW tensors reordered
     * in and out around each execute (the max-pooling workspace stays in the primitive's layout), rather than on
     * NCHW directly, where oneDNN only has its scalar {@code simple_nchw} kernel (jit kernels need blocked or NHWC).
     * Measured through this backend, reorders included, best of 7 runs, in microseconds, plain / blocked
     * (nChw8c, AVX2); the 2-thread plain figures on the shared 2-core machine are OpenMP contention as much as work:
     * <pre>
     *                                     1 thread                          2 threads
     *                                  forward         backward          forward        backward
     *   max 2/2  [128,6,28,28] LeNet   6727 / 360      2608 / 475        7994 / 203     7997 / 235
     *   max 2/2  [128,16,10,10] LeNet  1989 / 109       867 / 122        7556 / 80      7553 / 86
     *   avg 2/2  [128,6,28,28]         2252 / 304      1318 / 395        7997 / 163     7996 / 236
     *   avg 3/2/1 excl [32,32,28,28]   3606 / 326      2245 / 382        7997 / 176     7995 / 198
     *   max 3/2/1 [32,64,112,112]    339000 / 25606  106486 / 27087    334400 / 37346  110399 / 38816  (ResNet stem)
     *   max 2/2  [32,256,14,14]       15251 / 1632     6471 / 1309      16006 / 645     7958 / 677
     *   max 2/2  [128,1,28,28]          315 / 282      1038 / 312        7999 / 362     7789 / 219
     *   max 2/2  [1,3,8,8]               17 / 11         22 / 8             8 / 13         8 / 15
     *   max 2/2  [1,1,28,28]              5 / 10         15 / 9             6 / 41        12 / 34
     * </pre>
     * Raw kernels without the jdnn layer agree (one thread, LeNet pool1: plain 3.94 + 3.36 ms, nChw8c 0.36 + 0.47
     * ms, NHWC 0.76 + 1.66 ms; NHWC also loses at the ResNet shapes, and nChw16c has only {@code ref:any} on AVX2).
     * Blocked wins everywhere but on single tiny images, where either costs microseconds, so it is the rule for all
     * dense windows. Dilated windows have no jit kernel in any layout ({@code ref:any} either way) and stay plain,
     * sparing the reorders; should some other mix get only a reference kernel in the blocked layout, {@link #create}
     * falls back to the plain one.
     */
    static boolean blockedLayout(Pool2dParams p) {
        return (p.kernelH() == 1 || p.dilationH() == 1) && (p.kernelW() == 1 || p.dilationW() == 1);
    }

    /**
     * Whether oneDNN accepts these operands. For average pooling without padding it requires its dilation (ours
     * minus 1) below the input size on every axis with more than one tap, against 0/0 windows; jdnn allows such
     * sparse windows as long as each covers an input element (Pool2dShapes), and runs them on the reference.
     */
    static boolean supported(Pool2dParams p, Shape src) {
        return p.algorithm() != PoolAlgorithm.AVG_EXCLUDE_PADDING
                || ((p.kernelH() == 1 || p.dilationH() - 1 < src.dim(2)) && (p.kernelW() == 1 || p.dilationW() - 1 < src.dim(3)));
    }

    /** The size of oneDNN's max-pooling workspace for these operands (from the cached training primitive). */
    static long workspaceBytes(OneDnnBackend backend, Pool2dParams p, Pool2dShapes s) {
        if (s.output().numel() == 0) {
            return 0;
        }
        Key key = new Key(p, s, Phase.TRAINING);
        long bytes;
        // -1: evicted by another thread between lookup and query; look it up again.
        while ((bytes = backend.cachedPrimitive(key, () -> create(backend, key))
                .queryMdBytes(dnnl_h.dnnl_query_workspace_md())) < 0) {
            Thread.onSpinWait();
        }
        return bytes;
    }

    /** Pooling of {@code src} into {@code dst}; with a workspace (sized by {@link #workspaceBytes}) for training. */
    static void forward(OneDnnBackend backend, Pool2dParams p, Pool2dShapes s, Tensor src, Tensor dst,
                        Tensor workspace) {
        if (s.output().numel() == 0) {
            return;
        }
        boolean keep = workspace != null;
        Key key = new Key(p, s, keep ? Phase.TRAINING : Phase.INFERENCE);
        Tensor[] data = keep ? new Tensor[] {src, dst, workspace} : new Tensor[] {src, dst};
        execute(backend, key, data);
        double[][] factors = ceilOverhangFactors(p, s);
        if (factors != null) {
            rescale(TensorAccess.segment(dst), s, factors);
        }
    }

    static void backward(OneDnnBackend backend, Pool2dParams p, Pool2dShapes s, Tensor diffDst,
                         Tensor workspace, Tensor diffSrc) {
        if (workspace != null) {
            Pool2dWorkspace.check(p.algorithm().opName() + " backward", workspace, FORMAT, p, diffSrc.shape());
        }
        if (s.output().numel() == 0) {
            TensorAccess.segment(diffSrc).fill((byte) 0);
            return;
        }
        Key key = new Key(p, s, Phase.BACKWARD);
        double[][] factors = ceilOverhangFactors(p, s);
        Tensor scaled = factors == null ? null : diffDst.copy();
        try {
            Tensor dy = scaled == null ? diffDst : scaled;
            if (factors != null) {
                rescale(TensorAccess.segment(dy), s, factors);
            }
            Tensor[] data = p.algorithm() == PoolAlgorithm.MAX
                    ? new Tensor[] {dy, diffSrc, workspaceTensor(workspace, backend, p, s)}
                    : new Tensor[] {dy, diffSrc};
            execute(backend, key, data);
            if (factors == null && copiesGradient(p)) {
                markFiniteWhenFinite(backend, dy, diffSrc);
            }
        } finally {
            if (scaled != null) {
                scaled.close();
            }
        }
    }

    /**
     * Whether the backward only copies incoming gradients: max pooling over windows that do not overlap sends each
     * gradient to one input element and writes 0 to the others, so it sums none (a sum of finite values can overflow).
     */
    private static boolean copiesGradient(Pool2dParams p) {
        return p.algorithm() == PoolAlgorithm.MAX && p.strideH() >= (p.kernelH() - 1) * p.dilationH() + 1
                && p.strideW() >= (p.kernelW() - 1) * p.dilationW() + 1;
    }

    /**
     * Marks {@code diffSrc}'s held copy finite when the gradient {@code diffDst} it copied is (one scan of the
     * gradient, a quarter of the output's size for 2x2 windows): the ReLU before the pooling reads that output in its
     * backward and then skips its own, larger scan of it. A plain output has no mark, so it is not scanned.
     */
    private static void markFiniteWhenFinite(OneDnnBackend backend, Tensor diffDst, Tensor diffSrc) {
        BlockedCopy held = BlockedCopy.acquire(backend, diffSrc, null);
        if (held == null) {
            return;
        }
        try {
            if (!SpecialValues.anyNonFinite(backend, diffDst)) {
                held.markFinite();
            }
        } finally {
            held.done();
        }
    }

    private static void execute(OneDnnBackend backend, Key key, Tensor[] data) {
        backend.execute(OP, key, () -> create(backend, key), data);
        // Only a blocked key can reorder; the second lookup finds the entry just used (it is the most recent).
        if (key.blocked() && backend.cachedPrimitive(key, () -> create(backend, key)).reordered()) {
            KernelPaths.record(KernelPaths.POOL2D_BLOCKED);
        }
    }

    private static Tensor workspaceTensor(Tensor workspace, OneDnnBackend backend, Pool2dParams p, Pool2dShapes s) {
        // The workspace was sized for the primitive of its time; a different thread count may pick another one.
        long needed = workspaceBytes(backend, p, s);
        long bytes = workspace.numel() * Float.BYTES;
        if (bytes < needed) {
            throw new IllegalStateException(p.algorithm().opName() + ": workspace of " + bytes
                    + " bytes is smaller than the " + needed + " oneDNN needs now (thread count changed?)");
        }
        return workspace;
    }

    private static CachedPrimitive create(OneDnnBackend backend, Key key) {
        CachedPrimitive blocked = key.blocked() ? create(backend, key, true) : null;
        return blocked != null ? blocked : create(backend, key, false);
    }

    /**
     * The primitive for {@code key} in the blocked or the plain layout; null when the blocked forward has only a
     * reference kernel, slower than the plain layout's. The check is on the forward descriptor for every phase, so
     * a training forward and its backward always agree on the layout, and with it on the workspace's.
     */
    private static CachedPrimitive create(OneDnnBackend backend, Key key, boolean blocked) {
        String label = "pool2d " + key;
        try (Descriptors d = new Descriptors(); Arena arena = Arena.ofConfined()) {
            MemorySegment userSrc = d.plain(key.n(), key.c(), key.inH(), key.inW());
            MemorySegment userDst = d.plain(key.n(), key.c(), key.outH(), key.outW());
            // Blocked: src (diff_src) in the block layout, dst (diff_dst) and the workspace as the primitive picks
            // (the same blocks); the caller's plain tensors are reordered in and out by CachedPrimitive.
            MemorySegment srcMd = blocked ? d.tagged(BlockLayout.TAG, key.n(), key.c(), key.inH(), key.inW()) : userSrc;
            MemorySegment dstMd = blocked
                    ? d.tagged(dnnl_h.dnnl_format_tag_any(), key.n(), key.c(), key.outH(), key.outW()) : userDst;
            MemorySegment strides = arena.allocateFrom(JAVA_LONG, key.strideH(), key.strideW());
            MemorySegment kernel = arena.allocateFrom(JAVA_LONG, key.kernelH(), key.kernelW());
            // oneDNN counts dilation from 0 (0 = dense window); jdnn, like PyTorch, from 1.
            MemorySegment dilation = arena.allocateFrom(JAVA_LONG, key.dilationH() - 1, key.dilationW() - 1);
            MemorySegment padBefore = arena.allocateFrom(JAVA_LONG, key.padTop(), key.padLeft());
            MemorySegment padAfter = arena.allocateFrom(JAVA_LONG, key.padBottom(), key.padRight());
            int algorithm = switch (key.algorithm()) {
                case MAX -> dnnl_h.dnnl_pooling_max();
                case AVG_INCLUDE_PADDING -> dnnl_h.dnnl_pooling_avg_include_padding();
                case AVG_EXCLUDE_PADDING -> dnnl_h.dnnl_pooling_avg_exclude_padding();
            };
            int prop = key.phase() == Phase.INFERENCE ? dnnl_h.dnnl_forward_inference() : dnnl_h.dnnl_forward_training();
            MemorySegment forwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_pooling_forward_primitive_desc_create(forwardSlot, backend.engine().handle(), prop,
                    algorithm, srcMd, dstMd, strides, kernel, dilation, padBefore, padAfter, d.userScratchpadAttr()),
                    "dnnl_pooling_forward_primitive_desc_create", label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (blocked && CachedPrimitive.implementation(forward).startsWith("ref")) {
                dnnl_h.dnnl_primitive_desc_destroy(forward);
                return null;
            }
            boolean backward = key.phase() == Phase.BACKWARD;
            boolean workspace = key.algorithm() == PoolAlgorithm.MAX && key.phase() != Phase.INFERENCE;
            int[] args = backward
                    ? new int[] {dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC(), dnnl_h.DNNL_ARG_WORKSPACE()}
                    : new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST(), dnnl_h.DNNL_ARG_WORKSPACE()};
            int count = workspace ? 3 : 2;
            // The caller's layouts per argument; the workspace has none (null): it stays in the primitive's.
            MemorySegment[] user = !blocked ? null : Arrays.copyOf(backward
                    ? new MemorySegment[] {userDst, userSrc, null} : new MemorySegment[] {userSrc, userDst, null}, count);
            boolean[] outputs = Arrays.copyOf(new boolean[] {false, true, false}, count);
            if (!backward) {
                return new CachedPrimitive(backend.engine(), forward, Arrays.copyOf(args, count), user, outputs, label);
            }
            d.temporary(forward);
            MemorySegment backwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_pooling_backward_primitive_desc_create(backwardSlot, backend.engine().handle(),
                    algorithm, srcMd, dstMd, strides, kernel, dilation, padBefore, padAfter, forward,
                    d.userScratchpadAttr()), "dnnl_pooling_backward_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), backwardSlot.get(ADDRESS, 0), Arrays.copyOf(args, count), user,
                    outputs, label);
        }
    }

    /**
     * Per output row and column, kernel size / taps inside the user's padded input, for average pooling that
     * counts padding; null when every factor is 1 (always outside ceil mode).
     */
    private static double[][] ceilOverhangFactors(Pool2dParams p, Pool2dShapes s) {
        if (p.algorithm() != PoolAlgorithm.AVG_INCLUDE_PADDING || !p.ceilMode()) {
            return null;
        }
        double[] rows = axisFactors(s.outH(), p.strideH(), p.padTop(), p.kernelH(), p.dilationH(), s.inH() + p.padBottom());
        double[] cols = axisFactors(s.outW(), p.strideW(), p.padLeft(), p.kernelW(), p.dilationW(), s.inW() + p.padRight());
        return rows == null && cols == null ? null : new double[][] {rows, cols};
    }

    private static double[] axisFactors(long out, long stride, long padBefore, long kernel, long dilation, long end) {
        double[] factors = new double[Math.toIntExact(out)];
        boolean any = false;
        for (int o = 0; o < out; o++) {
            long last = o * stride - padBefore + (kernel - 1) * dilation;
            long inside = kernel;
            while (inside > 0 && last >= end) { // taps past the trailing padding, from the last one back
                inside--;
                last -= dilation;
            }
            factors[o] = (double) kernel / inside;
            any |= inside != kernel;
        }
        return any ? factors : null;
    }

    private static void rescale(MemorySegment data, Pool2dShapes s, double[][] factors) {
        long planes = s.batch() * s.channels();
        for (long plane = 0; plane < planes; plane++) {
            for (int oh = 0; oh < s.outH(); oh++) {
                double fh = factors[0] == null ? 1 : factors[0][oh];
                for (int ow = 0; ow < s.outW(); ow++) {
                    double f = fh * (factors[1] == null ? 1 : factors[1][ow]);
                    if (f != 1) {
                        long at = (plane * s.outH() + oh) * s.outW() + ow;
                        data.setAtIndex(JAVA_FLOAT, at, (float) (data.getAtIndex(JAVA_FLOAT, at) * f));
                    }
                }
            }
        }
    }
}
