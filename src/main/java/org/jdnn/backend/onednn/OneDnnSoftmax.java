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

/**
 * Softmax and log-softmax on oneDNN ({@code dnnl_softmax_accurate} / {@code dnnl_softmax_log}) in plain
 * layout; backward is computed from the forward output (dst) with the forward descriptor as hint.
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
                    if (in[0].numel() > 0) {
                        kernels.forward(shapes(p, in[0]), p.log(), in[0].shape(), TensorAccess.segment(in[0]),
                                TensorAccess.segment(out[0]));
                    }
                }, Fallback.toReference("a NaN or +Inf in the input (oneDNN keeps the rest of its row finite; PyTorch's "
                        + "row is NaN)", (p, in, out) -> SpecialValues.anyNaNOrPositiveInfinity(in[0])))
                .put(SoftmaxOps.BACKWARD, (p, in, out) -> {
                    if (in[0].numel() > 0) {
                        kernels.backward(shapes(p, in[0]), p.log(), in[0].shape(), TensorAccess.segment(in[0]),
                                TensorAccess.segment(in[1]), TensorAccess.segment(out[0]));
                    }
                }, Fallback.toReference("a NaN in the forward output (oneDNN's gradient there is finite or infinite; "
                        + "PyTorch's is NaN)", (p, in, out) -> SpecialValues.anyNaN(in[0])));
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
