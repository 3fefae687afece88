package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * conv2d and conv_transpose2d on oneDNN's convolution / deconvolution primitives (direct algorithm), forward
 * and both backward passes, in the user's plain layouts: NCHW activations, weights (O, I, KH, KW) or
 * (G, O/G, I/G, KH, KW) when grouped. PyTorch's transposed-convolution weights (I, O/G, KH, KW) are the
 * transpose of the first two per-group dimensions of oneDNN's, expressed with strides, so nothing is copied.
 * Callers validate operands first ({@link org.jdnn.backend.Operands}); this class only builds and runs.
 */
final class OneDnnConvolution {
    private OneDnnConvolution() {
    }

    enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS }

    /**
     * Everything a primitive depends on: src is the (N, C, H, W) input of the op (the deconvolution's input for a
     * transposed op), dst its output; dilations and paddings already in oneDNN's terms (dilation - 1; padR is
     * oneDNN's padding_r). {@code bias} is whether the bias / diff-bias argument is present.
     */
    record Key(boolean transposed, Pass pass, long n, long srcC, long srcH, long srcW, long dstC, long dstH, long dstW,
               long kh, long kw, long groups, long strideH, long strideW, long dilateH, long dilateW, long padT,
               long padL, long padB, long padR, boolean bias, int threads) {

        static Key conv(Pass pass, Conv2dShapes s, Conv2dParams p, boolean bias) {
            return new Key(false, pass, s.batch(), s.inChannels(), s.inH(), s.inW(), s.outChannels(), s.outH(),
                    s.outW(), s.kernelH(), s.kernelW(), s.groups(), p.strideH(), p.strideW(), p.dilationH() - 1,
                    p.dilationW() - 1, p.padTop(), p.padLeft(), p.padBottom(), p.padRight(), bias, ThreadCount.get());
        }

        static Key transposed(Pass pass, ConvTranspose2dShapes s, ConvTranspose2dParams params, boolean bias) {
            Conv2dParams p = params.conv();
            // oneDNN checks (dst - kernelExtent + padL + padR) / stride + 1 == src exactly; the output padding
            // makes dst larger, so it is taken off the trailing padding (oneDNN allows padding_r down to
            // 1 - stride: it only moves where the output ends; see supported()).
            return new Key(true, pass, s.batch(), s.inChannels(), s.inH(), s.inW(), s.outChannels(), s.outH(),
                    s.outW(), s.kernelH(), s.kernelW(), s.groups(), p.strideH(), p.strideW(), p.dilationH() - 1,
                    p.dilationW() - 1, p.padTop(), p.padLeft(), p.padBottom() - params.outputPaddingH(),
                    p.padRight() - params.outputPaddingW(), bias, ThreadCount.get());
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
            return transposed ? "conv_transpose2d" : "conv2d";
        }
    }

    /** Runs the primitive for {@code key} on {@code data} (one segment per argument, in {@link #args} order). */
    static void execute(OneDnnBackend backend, Key key, MemorySegment... data) {
        backend.execute(key.op(), key, () -> create(backend, key), data);
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

    private static CachedPrimitive create(OneDnnBackend backend, Key k) {
        String label = k.op() + " " + k;
        var engine = backend.engine().handle();
        int alg = k.transposed() ? dnnl_h.dnnl_deconvolution_direct() : dnnl_h.dnnl_convolution_direct();
        try (Descriptors d = new Descriptors(); Arena arena = Arena.ofConfined()) {
            MemorySegment src = d.plain(k.n(), k.srcC(), k.srcH(), k.srcW());
            MemorySegment dst = d.plain(k.n(), k.dstC(), k.dstH(), k.dstW());
            MemorySegment weights = weights(d, k);
            MemorySegment bias = k.bias() ? d.plain(k.dstC()) : MemorySegment.NULL;
            MemorySegment strides = arena.allocateFrom(JAVA_LONG, k.strideH(), k.strideW());
            MemorySegment dilates = arena.allocateFrom(JAVA_LONG, k.dilateH(), k.dilateW());
            MemorySegment padL = arena.allocateFrom(JAVA_LONG, k.padT(), k.padL());
            MemorySegment padR = arena.allocateFrom(JAVA_LONG, k.padB(), k.padR());

            MemorySegment forwardSlot = d.handleSlot();
            String forwardFn = k.transposed() ? "dnnl_deconvolution_forward_primitive_desc_create"
                    : "dnnl_convolution_forward_primitive_desc_create";
            int status = k.transposed()
                    ? dnnl_h.dnnl_deconvolution_forward_primitive_desc_create(forwardSlot, engine,
                            dnnl_h.dnnl_forward_training(), alg, src, weights, bias, dst, strides, dilates, padL, padR,
                            d.userScratchpadAttr())
                    : dnnl_h.dnnl_convolution_forward_primitive_desc_create(forwardSlot, engine,
                            dnnl_h.dnnl_forward_training(), alg, src, weights, bias, dst, strides, dilates, padL, padR,
                            d.userScratchpadAttr());
            Dnnl.check(status, forwardFn, label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (k.pass() == Pass.FORWARD) {
                return new CachedPrimitive(backend.engine(), forward, args(k), label);
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
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0), args(k), label);
        }
    }
}
