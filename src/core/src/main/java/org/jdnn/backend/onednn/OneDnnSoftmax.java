package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Softmax on oneDNN ({@code dnnl_softmax_accurate}) in plain layout, log-softmax's forward as a loop accurate to float
 * rounding (see {@link #logSoftmax}); both backward passes on oneDNN ({@code dnnl_softmax_log} for log-softmax's),
 * computed from the forward output (dst) with the forward descriptor as hint.
 */
final class OneDnnSoftmax {
    private final OneDnnBackend backend;

    private OneDnnSoftmax(OneDnnBackend backend) {
        this.backend = backend;
    }

    private record Key(Shape shape, int axis, boolean log, boolean backward, int threads) {
    }

    /** Registers softmax (and log-softmax) forward and backward; oneDNN has no empty memory, so empty tensors skip it. */
    static void register(OneDnnBackend backend, KernelTable table) {
        OneDnnSoftmax kernels = new OneDnnSoftmax(backend);
        table.put(SoftmaxOps.FORWARD, (p, in, out) -> {
                    if (p.log()) {
                        logSoftmax(shapes(p, in[0]), TensorAccess.segment(in[0]), TensorAccess.segment(out[0]));
                    } else if (in[0].numel() > 0) {
                        kernels.forward(shapes(p, in[0]), false, in[0].shape(), TensorAccess.segment(in[0]),
                                TensorAccess.segment(out[0]));
                    }
                }, Fallback.toReference("a NaN or +Inf in the input (oneDNN keeps the rest of its row finite; PyTorch's "
                        + "row is NaN)", (p, in, out) -> !p.log() && SpecialValues.anyNaNOrPositiveInfinity(in[0])))
                .put(SoftmaxOps.BACKWARD, (p, in, out) -> {
                    if (in[0].numel() > 0) {
                        kernels.backward(shapes(p, in[0]), p.log(), in[0].shape(), TensorAccess.segment(in[0]),
                                TensorAccess.segment(in[1]), TensorAccess.segment(out[0]));
                    }
                }, Fallback.toReference("a NaN in the forward output (oneDNN's gradient there is finite or infinite; "
                        + "PyTorch's is NaN)", (p, in, out) -> SpecialValues.anyNaN(in[0])));
    }

    /**
     * Log-softmax as a loop: {@code y = (x - max) - log(sum exp(x - max))} with the sum and the log in double, so the
     * result is within float32 rounding of the exact value; oneDNN's {@code dnnl_softmax_log} (polynomial exp and log
     * in float) is off by up to ~12 ulp on near-equal rows around 1e4. A row holding NaN, or +Inf, is NaN, as
     * PyTorch's. Each element is read before it is written, so it runs in place.
     */
    private static void logSoftmax(SoftmaxShapes s, MemorySegment x, MemorySegment y) {
        long n = s.axisSize(), inner = s.inner();
        for (long o = 0; o < s.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                long base = o * n * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                boolean nan = false;
                for (long j = 0, at = base; j < n; j++, at += inner) {
                    float v = x.getAtIndex(JAVA_FLOAT, at);
                    nan |= v != v;
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (long j = 0, at = base; j < n; j++, at += inner) {
                    sum += Math.exp((double) x.getAtIndex(JAVA_FLOAT, at) - max);
                }
                double logSum = nan ? Double.NaN : Math.log(sum);
                for (long j = 0, at = base; j < n; j++, at += inner) {
                    y.setAtIndex(JAVA_FLOAT, at, (float) (((double) x.getAtIndex(JAVA_FLOAT, at) - max) - logSum));
                }
            }
        }
    }

    private static SoftmaxShapes shapes(SoftmaxParams p, Tensor t) {
        return SoftmaxShapes.infer(p.opName(), p, t.shape());
    }

    void forward(SoftmaxShapes s, boolean log, Shape shape, MemorySegment src, MemorySegment dst) {
        Key key = new Key(shape, s.axis(), log, false, ThreadCount.get());
        backend.execute(log ? "log_softmax" : "softmax", key, () -> create(key), src, dst);
    }

    void backward(SoftmaxShapes s, boolean log, Shape shape, MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        Key key = new Key(shape, s.axis(), log, true, ThreadCount.get());
        backend.execute(log ? "log_softmax" : "softmax", key, () -> create(key), dst, diffDst, diffSrc);
    }

    private CachedPrimitive create(Key key) {
        int algorithm = key.log() ? dnnl_h.dnnl_softmax_log() : dnnl_h.dnnl_softmax_accurate();
        String label = "softmax " + key;
        try (Descriptors d = new Descriptors()) {
            MemorySegment md = d.plain(key.shape().dims());
            MemorySegment forwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_softmax_forward_primitive_desc_create(forwardSlot, backend.engine().handle(),
                    dnnl_h.dnnl_forward_training(), algorithm, md, md, key.axis(), d.userScratchpadAttr()),
                    "dnnl_softmax_forward_primitive_desc_create", label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (!key.backward()) {
                return new CachedPrimitive(backend.engine(), forward,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()}, label);
            }
            d.temporary(forward);
            MemorySegment backwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_softmax_backward_primitive_desc_create(backwardSlot, backend.engine().handle(),
                    algorithm, md, md, md, key.axis(), forward, d.userScratchpadAttr()),
                    "dnnl_softmax_backward_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), backwardSlot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_DST(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC()}, label);
        }
    }
}
