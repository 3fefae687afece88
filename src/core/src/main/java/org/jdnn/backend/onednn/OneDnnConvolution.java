package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.FusedConv2dOps;
import org.jdnn.ops.PostOps;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * conv2d and conv_transpose2d on oneDNN's convolution / deconvolution primitives (direct algorithm), forward
 * and both backward passes, in the user's plain layouts: NCHW activations, weights (O, I, KH, KW) or
 * (G, O/G, I/G, KH, KW) when grouped. PyTorch's transposed-convolution weights (I, O/G, KH, KW) are the
 * transpose of the first two per-group dimensions of oneDNN's, expressed with strides, so nothing is copied.
 * Where it pays ({@link #blockedLayouts}) the primitive is created with format_tag any so oneDNN picks its blocked
 * layouts and fast kernels instead of the im2col {@code gemm:jit} it offers on plain layouts; the tensors look
 * plain to the caller: inputs are reordered in unless already held in the chosen layout, and outputs stay held in
 * it until read ({@link CachedPrimitive}, {@link BlockedCopy}). Weights are
 * reordered on every call too: they change every training step, so a cached reordered copy would need a content
 * version the tensors do not carry (64x64x3x3 weights are 147 KB, small next to the activations).
 * Callers validate operands first ({@link org.jdnn.backend.Operands}); this class only builds and runs.
 */
final class OneDnnConvolution {
    private OneDnnConvolution() {
    }

    enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS }

    /**
     * Everything a primitive depends on: src is the (N, C, H, W) input of the op (the deconvolution's input for a
     * transposed op), dst its output; dilations and paddings already in oneDNN's terms (dilation - 1; padR is
     * oneDNN's padding_r). {@code bias} is whether the bias / diff-bias argument is present; {@code blocked} whether
     * oneDNN chooses the layouts ({@link #blockedLayouts}); {@code bf16} whether the multiplied operands are read as
     * bf16 (then the layouts are always chosen: the float32 tensors are reordered into bf16 buffers either way).
     * {@code fused}: conv2d_fused's forward, with {@code postOps} (always NONE otherwise). It is created as conv2d's
     * forward is (forward_training, the same kernels and layouts), so the ops around it find the layouts they find
     * after conv2d: created for inference, oneDNN picks brgemm kernels on NHWC instead, which added reorders before
     * max pooling (LeNet-5 at batch 1000, one thread: 44 to 61 ms of reorders per forward against 2 ms) and, on this
     * loaded 2-core machine, ran ResNet-18's convolutions neither reliably faster nor slower (64->64 3x3 32x32 at batch
     * 128: 97 to 175 ms against 133 to 181 ms; 512->512 3x3 4x4: 149 to 224 ms against 86 to 99 ms).
     */
    record Key(boolean transposed, Pass pass, long n, long srcC, long srcH, long srcW, long dstC, long dstH, long dstW,
               long kh, long kw, long groups, long strideH, long strideW, long dilateH, long dilateW, long padT,
               long padL, long padB, long padR, boolean bias, int threads, boolean blocked, boolean bf16,
               boolean fused, PostOps postOps) {

        static Key conv(Pass pass, Conv2dShapes s, Conv2dParams p, boolean bias) {
            return conv(pass, s, p, bias, false, PostOps.NONE);
        }

        /** conv2d_fused's forward: the convolution for inference, with {@code postOps} in the primitive. */
        static Key fused(Conv2dShapes s, Conv2dParams p, boolean bias, PostOps postOps) {
            return conv(Pass.FORWARD, s, p, bias, true, postOps);
        }

        private static Key conv(Pass pass, Conv2dShapes s, Conv2dParams p, boolean bias, boolean fused,
                                PostOps postOps) {
            return new Key(false, pass, s.batch(), s.inChannels(), s.inH(), s.inW(), s.outChannels(), s.outH(),
                    s.outW(), s.kernelH(), s.kernelW(), s.groups(), p.strideH(), p.strideW(), p.dilationH() - 1,
                    p.dilationW() - 1, p.padTop(), p.padLeft(), p.padBottom(), p.padRight(), bias, ThreadCount.get(),
                    bf16(p) || blockedLayouts(false, pass, s.inChannels(), s.outChannels()), bf16(p), fused, postOps);
        }

        static Key transposed(Pass pass, ConvTranspose2dShapes s, ConvTranspose2dParams params, boolean bias) {
            Conv2dParams p = params.conv();
            // oneDNN checks (dst - kernelExtent + padL + padR) / stride + 1 == src exactly; the output padding
            // makes dst larger, so it is taken off the trailing padding (oneDNN allows padding_r down to
            // 1 - stride: it only moves where the output ends; see supported()).
            return new Key(true, pass, s.batch(), s.inChannels(), s.inH(), s.inW(), s.outChannels(), s.outH(),
                    s.outW(), s.kernelH(), s.kernelW(), s.groups(), p.strideH(), p.strideW(), p.dilationH() - 1,
                    p.dilationW() - 1, p.padTop(), p.padLeft(), p.padBottom() - params.outputPaddingH(),
                    p.padRight() - params.outputPaddingW(), bias, ThreadCount.get(),
                    bf16(p) || blockedLayouts(true, pass, s.inChannels(), s.outChannels()), bf16(p), false, PostOps.NONE);
        }

        private static boolean bf16(Conv2dParams p) {
            return p.precision() == Precision.BF16;
        }

        /** The data type of the pass's src argument (a backward-data pass writes it: float32). */
        int srcType() {
            return bf16 && pass != Pass.BACKWARD_DATA ? dnnl_h.dnnl_bf16() : dnnl_h.dnnl_f32();
        }

        /** The data type of the weights argument (a backward-weights pass writes it: float32). */
        int weightsType() {
            return bf16 && pass != Pass.BACKWARD_WEIGHTS ? dnnl_h.dnnl_bf16() : dnnl_h.dnnl_f32();
        }

        /** The data type of the dst argument (the forward pass writes it: float32; the backward passes read it). */
        int dstType() {
            return bf16 && pass != Pass.FORWARD ? dnnl_h.dnnl_bf16() : dnnl_h.dnnl_f32();
        }

        /**
         * Whether oneDNN can express this transposed convolution: it requires padding_r > -stride, i.e. an
         * output padding below stride + bottom (right) padding. Larger output paddings (allowed by PyTorch when
         * below the dilation) only append rows no kernel tap reaches; those shapes run on the reference.
         */
        static boolean supported(ConvTranspose2dParams params) {
            Conv2dParams p = params.conv();
            return params.outputPaddingH() < p.strideH() + p.padBottom() && params.outputPaddingW() < p.strideW() + p.padRight();
        }

        String op() {
            return transposed ? "conv_transpose2d" : fused() ? "conv2d_fused" : "conv2d";
        }
    }

    /**
     * Whether this pass lets oneDNN choose its layouts (format_tag any, the plain tensors reordered at the
     * boundary) rather than run on plain NCHW / OIHW, where oneDNN only offers its im2col {@code gemm:jit}.
     *
     * <p>Blocked layouts (nChw8c on AVX2, nChw16c on AVX-512) pad channels to the block, so they lose where the
     * convolution's input image (a deconvolution's output) has very few channels and the kernel must block it.
     * The forward kernel keeps such an image plain itself; the backward-data and backward-weights kernels do not.
     * Measured per pass, plain vs blocked including the reorders, oneDNN 3 on one AVX2 core (AMD EPYC, 1 thread:
     * the 2-core machine was shared, 2-thread timings were noise), best of 5..21 runs, in ms:
     * <pre>
     *   conv                          forward       backward data   backward weights
     *   64->64 3x3 56x56 N32       127.7 / 87.5     152.4 / 119.4    232.9 / 150.9
     *   1->6   5x5 28x28 N64         0.79 / 0.57      1.27 / 2.05      1.83 / 1.88   (LeNet conv1)
     *   6->16  5x5 14x14 N64         1.09 / 0.60      1.76 / 0.78      1.18 / 0.71   (LeNet conv2)
     *   1->1   3x3 28x28 N64         0.44 / 0.36      0.61 / 1.06      0.70 / 1.23
     *   1->16  3x3 28x28 N64         0.68 / 0.45      0.75 / 2.02      1.72 / 2.38
     *   3->3   3x3 28x28 N64         1.04 / 0.64      1.75 / 1.02      2.21 / 0.53
     *   3->32  3x3 32x32 N64         3.62 / 2.23      4.68 / 6.18     14.97 / 5.39
     *   16->3  3x3 28x28 N64         5.46 / 3.38      9.52 / 1.71     10.55 / 2.35
     *   32 depthwise 3x3 28x28 N32   9.56 / 0.83     11.52 / 1.10     11.10 / 0.83
     *   transposed 64->3 4x4 s2      1.43 / 3.86      1.02 / 0.80      1.39 / 0.99   (forward = backward-data kernel)
     *   transposed 16->6 3x3 s2      1.88 / 2.16      1.12 / 0.42      1.35 / 0.63
     * </pre>
     * Hence: the forward kernel always blocks; the backward-data kernel (conv backward data, deconvolution forward)
     * blocks when the image has at least 4 channels; the backward-weights kernel when it has at least 2 (measured
     * then; see below for one channel).
     *
     * <p>A one-channel image is an exception for the backward-weights kernel: its plain NCHW is also NHWC, and with
     * the image left plain but diff_dst and weights chosen by oneDNN (it picks NHWC diff_dst) the jit kernel runs on
     * it directly, much faster than both the all-plain gemm and the all-blocked kernel. Re-measured at batch 128 on
     * one thread, best of 7 x 20 runs, ms, plain / all chosen / one-channel image plain, the rest chosen:
     * <pre>
     *   1->6  5x5 28x28 N128 (LeNet conv1)   4.72 / 5.16 / 1.43
     *   1->6  5x5 28x28 N8                   0.28 / 0.27 / 0.08
     *   1->16 3x3 28x28 N64                  1.70 / 2.34 / 0.81
     *   1->32 3x3 28x28 N128                 6.21 / 10.0 / 5.86
     * </pre>
     * On two threads LeNet conv1 goes from 4.89 (plain) / 3.86 (all chosen) to 0.78 ms. (An NHWC image with 3 or more
     * channels does not win reliably: 6->16 5x5 N128 1.14 vs 1.42 ms blocked, but 3->32 3x3 N64 6.56 vs 3.39 and
     * 32->64 3x3 14x14 N128 20.5 vs 16.9.) So the backward-weights kernel always lets oneDNN choose, but keeps a
     * one-channel image plain ({@link #imagePlain}).
     */
    static boolean blockedLayouts(boolean transposed, Pass pass, long srcChannels, long dstChannels) {
        // A deconvolution is a convolution run the other way: its dst is the convolution's input image, its forward
        // runs the backward-data kernel and its backward data the forward kernel.
        long imageChannels = transposed ? dstChannels : srcChannels;
        Pass kernel = !transposed ? pass : switch (pass) {
            case FORWARD -> Pass.BACKWARD_DATA;
            case BACKWARD_DATA -> Pass.FORWARD;
            case BACKWARD_WEIGHTS -> Pass.BACKWARD_WEIGHTS;
        };
        return switch (kernel) {
            case FORWARD -> true;
            case BACKWARD_DATA -> imageChannels >= 4;
            case BACKWARD_WEIGHTS -> true;
        };
    }

    /**
     * Whether a blocked backward-weights primitive keeps the convolution's image (src; a deconvolution's dst) in
     * the caller's plain layout: a one-channel NCHW image is already NHWC, which the jit kernel takes as it is.
     */
    static boolean imagePlain(Key k) {
        return k.blocked() && k.pass() == Pass.BACKWARD_WEIGHTS && (k.transposed() ? k.dstC() : k.srcC()) == 1;
    }

    /**
     * Registers the conv2d and conv_transpose2d kernels. A transposed convolution whose output padding oneDNN cannot
     * express ({@link Key#supported}) falls back to the reference kernel.
     */
    static void register(OneDnnBackend backend, KernelTable table) {
        table.put(Conv2dOps.FORWARD, (p, in, out) -> execute(backend, Key.conv(Pass.FORWARD,
                        Conv2dShapes.infer(in[0].shape(), in[1].shape(), shapeOrNull(in[2]), p), p, in[2] != null),
                        present(in[0], in[1], in[2], out[0])))
                .put(Conv2dOps.BACKWARD_DATA, (p, in, out) -> execute(backend, Key.conv(Pass.BACKWARD_DATA,
                        Conv2dShapes.infer(p.input(), in[1].shape(), null, p.conv()), p.conv(), false),
                        in[0], in[1], out[0]))
                .put(Conv2dOps.BACKWARD_WEIGHTS, (p, in, out) -> execute(backend, Key.conv(Pass.BACKWARD_WEIGHTS,
                        Conv2dShapes.infer(in[0].shape(), p.weight(), shapeOrNull(out[1]), p.conv()), p.conv(),
                        p.bias()), present(in[0], in[1], out[0], out[1])));
        String unsupported = "output padding >= stride + trailing padding, which oneDNN cannot express";
        table.put(ConvTranspose2dOps.FORWARD, (p, in, out) -> execute(backend, Key.transposed(Pass.FORWARD,
                        ConvTranspose2dShapes.infer(in[0].shape(), in[1].shape(), shapeOrNull(in[2]), p), p,
                        in[2] != null), present(in[0], in[1], in[2], out[0])),
                Fallback.toReference(unsupported, (p, in, out) -> !Key.supported(p)));
        table.put(ConvTranspose2dOps.BACKWARD_DATA, (p, in, out) -> execute(backend, Key.transposed(Pass.BACKWARD_DATA,
                        ConvTranspose2dShapes.infer(p.input(), in[1].shape(), null, p.conv()), p.conv(), false),
                        in[0], in[1], out[0]),
                Fallback.toReference(unsupported, (p, in, out) -> !Key.supported(p.conv())));
        table.put(ConvTranspose2dOps.BACKWARD_WEIGHTS, (p, in, out) -> execute(backend,
                        Key.transposed(Pass.BACKWARD_WEIGHTS, ConvTranspose2dShapes.infer(in[0].shape(), p.weight(),
                                shapeOrNull(out[1]), p.conv()), p.conv(), p.bias()),
                        present(in[0], in[1], out[0], out[1])),
                Fallback.toReference(unsupported, (p, in, out) -> !Key.supported(p.conv())));
        // The residual is not a primitive argument: the sum post-op adds what dst holds, so it is copied there first.
        table.put(FusedConv2dOps.FORWARD, (p, in, out) -> executeFused(backend, Key.fused(
                        Conv2dShapes.infer(in[0].shape(), in[1].shape(), shapeOrNull(in[2]), p.conv()), p.conv(),
                        in[2] != null, p.postOps()), in[3], present(in[0], in[1], in[2], out[0])),
                Fallback.toReference("a NaN or infinity in an operand, which oneDNN's ReLU post-op (max(x, 0)) "
                        + "would turn into 0 where PyTorch keeps NaN", (p, in, out) -> p.postOps().relu()
                        && SpecialValues.anyNonFinite(backend, in)));
    }

    private static Shape shapeOrNull(Tensor t) {
        return t == null ? null : t.shape();
    }

    /** The primitive's arguments: the tensors present, in order (an absent bias takes no argument). */
    private static Tensor[] present(Tensor... tensors) {
        int count = 0;
        for (Tensor t : tensors) {
            count += t == null ? 0 : 1;
        }
        if (count == tensors.length) {
            return tensors;
        }
        Tensor[] present = new Tensor[count];
        int i = 0;
        for (Tensor t : tensors) {
            if (t != null) {
                present[i++] = t;
            }
        }
        return present;
    }

    /** Runs the primitive for {@code key} on {@code tensors} (one per argument, in {@link #args} order). */
    static void execute(OneDnnBackend backend, Key key, Tensor... tensors) {
        backend.execute(key.op(), key, () -> create(backend, key), tensors);
        // Only a blocked key can reorder; the second lookup finds the entry just used (it is the most recent).
        if (key.blocked() && backend.cachedPrimitive(key, () -> create(backend, key)).reordered()) {
            ConvolutionLayouts.recordReordered(key.op());
        }
    }

    /**
     * Runs conv2d_fused's primitive for {@code key}; with the sum post-op, {@code residual} is put into dst before
     * the primitive adds its result to it ({@link CachedPrimitive#executeAccumulating}).
     */
    private static void executeFused(OneDnnBackend backend, Key key, Tensor residual, Tensor... tensors) {
        Supplier<CachedPrimitive> create = () -> create(backend, key);
        if (residual == null) {
            backend.execute(key.op(), key, create, tensors);
        } else {
            backend.executeAccumulating(key.op(), key, create, residual, tensors);
        }
        if (backend.cachedPrimitive(key, create).reordered()) {
            ConvolutionLayouts.recordReordered(key.op());
        }
    }

    /** The implementation oneDNN picks for {@code key} (creating the primitive if needed). */
    static String implementation(OneDnnBackend backend, Key key) {
        return backend.cachedPrimitive(key, () -> create(backend, key)).implementation();
    }

    private static int[] args(Key key) {
        return switch (key.pass()) {
            case FORWARD -> key.bias()
                    ? new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_BIAS(), dnnl_h.DNNL_ARG_DST()}
                    : new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()};
            case BACKWARD_DATA -> new int[] {dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DIFF_SRC()};
            case BACKWARD_WEIGHTS -> key.bias()
                    ? new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_WEIGHTS(), dnnl_h.DNNL_ARG_DIFF_BIAS()}
                    : new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_WEIGHTS()};
        };
    }

    /** The user's plain layouts, in {@link #args} order (bias and diff bias are 1-D: nothing to choose). */
    private static MemorySegment[] userMds(Key key, MemorySegment src, MemorySegment weights, MemorySegment bias,
                                           MemorySegment dst) {
        return switch (key.pass()) {
            case FORWARD -> key.bias() ? new MemorySegment[] {src, weights, bias, dst} : new MemorySegment[] {src, weights, dst};
            case BACKWARD_DATA -> new MemorySegment[] {dst, weights, src};
            case BACKWARD_WEIGHTS -> key.bias() ? new MemorySegment[] {src, dst, weights, bias} : new MemorySegment[] {src, dst, weights};
        };
    }

    /** Which arguments (in {@link #args} order) the primitive writes. */
    private static boolean[] outputs(Key key) {
        return switch (key.pass()) {
            case FORWARD -> key.bias() ? new boolean[] {false, false, false, true} : new boolean[] {false, false, true};
            case BACKWARD_DATA -> new boolean[] {false, false, true};
            case BACKWARD_WEIGHTS -> key.bias() ? new boolean[] {false, false, true, true} : new boolean[] {false, false, true};
        };
    }

    /** The weights descriptor over the user's plain layout (conv OIHW / GOIHW; transposed: PyTorch's IOHW per group). */
    private static MemorySegment weights(Descriptors d, Key k) {
        long g = k.groups(), og = k.dstC() / g, ig = k.srcC() / g, kh = k.kh(), kw = k.kw();
        if (!k.transposed()) {
            return g == 1 ? d.plain(k.dstC(), k.srcC(), kh, kw) : d.plain(g, og, ig, kh, kw);
        }
        // PyTorch stores (G, I/G, O/G, KH, KW) contiguously; oneDNN wants dims (G, O/G, I/G, KH, KW).
        long spatial = kh * kw;
        return g == 1
                ? d.strided(new long[] {og, ig, kh, kw}, new long[] {spatial, og * spatial, kw, 1})
                : d.strided(new long[] {g, og, ig, kh, kw}, new long[] {ig * og * spatial, spatial, og * spatial, kw, 1});
    }

    /** Memory descriptors with format_tag any (oneDNN picks the layout), freed when this closes. */
    private static final class AnyLayouts implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final List<MemorySegment> mds = new ArrayList<>();

        /** A descriptor of {@code plain}'s dims and {@code dataType} whose layout the primitive chooses. */
        MemorySegment like(MemorySegment plain, int dataType) {
            MemorySegment ndims = arena.allocate(JAVA_INT);
            MemorySegment dims = arena.allocate(ADDRESS);
            Dnnl.check(dnnl_h.dnnl_memory_desc_query(plain, dnnl_h.dnnl_query_ndims_s32(), ndims), "dnnl_memory_desc_query");
            Dnnl.check(dnnl_h.dnnl_memory_desc_query(plain, dnnl_h.dnnl_query_dims(), dims), "dnnl_memory_desc_query");
            int n = ndims.get(JAVA_INT, 0);
            MemorySegment out = arena.allocate(ADDRESS);
            Dnnl.check(dnnl_h.dnnl_memory_desc_create_with_tag(out, n, dims.get(ADDRESS, 0).reinterpret(n * JAVA_LONG.byteSize()),
                    dataType, dnnl_h.dnnl_format_tag_any()), "dnnl_memory_desc_create_with_tag");
            MemorySegment md = out.get(ADDRESS, 0);
            mds.add(md);
            return md;
        }

        @Override
        public void close() {
            mds.forEach(md -> dnnl_h.dnnl_memory_desc_destroy(md));
            arena.close();
        }
    }

    private static CachedPrimitive create(OneDnnBackend backend, Key k) {
        String label = k.op() + " " + k;
        var engine = backend.engine().handle();
        int alg = k.transposed() ? dnnl_h.dnnl_deconvolution_direct() : dnnl_h.dnnl_convolution_direct();
        try (Descriptors d = new Descriptors(); AnyLayouts any = new AnyLayouts(); Arena arena = Arena.ofConfined()) {
            MemorySegment userSrc = d.plain(k.n(), k.srcC(), k.srcH(), k.srcW());
            MemorySegment userDst = d.plain(k.n(), k.dstC(), k.dstH(), k.dstW());
            MemorySegment userWeights = weights(d, k);
            MemorySegment bias = k.bias() ? d.plain(k.dstC()) : MemorySegment.NULL;
            // Blocked: the primitive picks src / weights / dst layouts; the plain ones stay the user's, reordered.
            boolean imagePlain = imagePlain(k);
            // A plain image in bf16 is the same dense layout in bf16, its float32 tensor reordered (converted) in.
            MemorySegment plainSrc = k.bf16() ? d.plainOf(k.srcType(), k.n(), k.srcC(), k.srcH(), k.srcW()) : userSrc;
            MemorySegment plainDst = k.bf16() ? d.plainOf(k.dstType(), k.n(), k.dstC(), k.dstH(), k.dstW()) : userDst;
            MemorySegment src = k.blocked() && !(imagePlain && !k.transposed()) ? any.like(userSrc, k.srcType()) : plainSrc;
            MemorySegment dst = k.blocked() && !(imagePlain && k.transposed()) ? any.like(userDst, k.dstType()) : plainDst;
            MemorySegment weights = k.blocked() ? any.like(userWeights, k.weightsType()) : userWeights;
            // The forward descriptor a backward pass is created from describes a forward run in the same arithmetic:
            // in bf16 that is bf16 src, weights and dst (oneDNN has no forward with a float32 src and bf16 weights).
            boolean bf16Hint = k.bf16() && k.pass() != Pass.FORWARD;
            int bf16 = dnnl_h.dnnl_bf16();
            // The arguments the pass reads are bf16 already (a plain image stays plain); those it writes are float32.
            MemorySegment hintSrc = bf16Hint && k.srcType() != bf16 ? any.like(userSrc, bf16) : src;
            MemorySegment hintWeights = bf16Hint && k.weightsType() != bf16 ? any.like(userWeights, bf16) : weights;
            MemorySegment hintDst = bf16Hint && k.dstType() != bf16 ? any.like(userDst, bf16) : dst;
            MemorySegment strides = arena.allocateFrom(JAVA_LONG, k.strideH(), k.strideW());
            MemorySegment dilates = arena.allocateFrom(JAVA_LONG, k.dilateH(), k.dilateW());
            MemorySegment padL = arena.allocateFrom(JAVA_LONG, k.padT(), k.padL());
            MemorySegment padR = arena.allocateFrom(JAVA_LONG, k.padB(), k.padR());

            MemorySegment forwardSlot = d.handleSlot();
            String forwardFn = k.transposed() ? "dnnl_deconvolution_forward_primitive_desc_create"
                    : "dnnl_convolution_forward_primitive_desc_create";
            // conv2d_fused is created as conv2d's forward, its post-ops added (see Key).
            MemorySegment attr = k.fused() ? d.postOpsAttr(k.postOps().sum(), k.postOps().relu()) : d.userScratchpadAttr();
            int status = k.transposed()
                    ? dnnl_h.dnnl_deconvolution_forward_primitive_desc_create(forwardSlot, engine,
                            dnnl_h.dnnl_forward_training(), alg, hintSrc, hintWeights, bias, hintDst, strides, dilates,
                            padL, padR, attr)
                    : dnnl_h.dnnl_convolution_forward_primitive_desc_create(forwardSlot, engine,
                            dnnl_h.dnnl_forward_training(), alg, hintSrc, hintWeights, bias, hintDst, strides, dilates,
                            padL, padR, attr);
            Dnnl.check(status, forwardFn, label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            MemorySegment[] user = k.blocked() ? userMds(k, userSrc, userWeights, bias, userDst) : null;
            if (k.pass() == Pass.FORWARD) {
                return new CachedPrimitive(backend.engine(), forward, args(k), user, outputs(k), k.postOps().sum(),
                        label);
            }
            d.temporary(forward);
            MemorySegment slot = d.handleSlot();
            if (k.pass() == Pass.BACKWARD_DATA) {
                String fn = k.transposed() ? "dnnl_deconvolution_backward_data_primitive_desc_create"
                        : "dnnl_convolution_backward_data_primitive_desc_create";
                status = k.transposed()
                        ? dnnl_h.dnnl_deconvolution_backward_data_primitive_desc_create(slot, engine, alg, src, weights,
                                dst, strides, dilates, padL, padR, forward, d.userScratchpadAttr())
                        : dnnl_h.dnnl_convolution_backward_data_primitive_desc_create(slot, engine, alg, src, weights,
                                dst, strides, dilates, padL, padR, forward, d.userScratchpadAttr());
                Dnnl.check(status, fn, label);
            } else {
                String fn = k.transposed() ? "dnnl_deconvolution_backward_weights_primitive_desc_create"
                        : "dnnl_convolution_backward_weights_primitive_desc_create";
                status = k.transposed()
                        ? dnnl_h.dnnl_deconvolution_backward_weights_primitive_desc_create(slot, engine, alg, src,
                                weights, bias, dst, strides, dilates, padL, padR, forward, d.userScratchpadAttr())
                        : dnnl_h.dnnl_convolution_backward_weights_primitive_desc_create(slot, engine, alg, src,
                                weights, bias, dst, strides, dilates, padL, padR, forward, d.userScratchpadAttr());
                Dnnl.check(status, fn, label);
            }
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0), args(k), user, outputs(k), label);
        }
    }
}
