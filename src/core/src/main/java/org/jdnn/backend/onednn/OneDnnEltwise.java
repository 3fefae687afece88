package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The element-wise ops on oneDNN's eltwise primitive: the activations forward and backward (on a held input's
 * layout when the function keeps the padding zero, see {@link BlockedCopy}, else on plain memory), exp, sqrt and
 * SiLU there too; the step, softplus and the other math functions as Java loops ({@link OneDnnEltwiseLoops}); the
 * clamped log and its backward are Java loops too (see {@link #log}).
 */
final class OneDnnEltwise {
    private final OneDnnBackend backend;

    private OneDnnEltwise(OneDnnBackend backend) {
        this.backend = backend;
    }

    /**
     * Registers the eltwise, eltwise_backward, log and log_backward kernels. Four fallbacks, each scanning only for its
     * own function: GELU (erf) at -Inf, where oneDNN's AVX2 kernel gives +Inf (its AVX-512 one, the
     * reference and PyTorch NaN, from {@code -Inf * 0}); leaky ReLU's backward at a NaN input, where oneDNN passes the
     * gradient with slope 1 and PyTorch scales it by the negative slope (NaN > 0 is false); plain ReLU's backward at a
     * NaN input (oneDNN gives 0, PyTorch the gradient) or with a NaN or infinite gradient where the input is <= 0
     * (oneDNN: 0 times it, NaN; PyTorch 0); SiLU's backward with a non-finite gradient. ReLU's two scans read the held
     * layouts in place and cost about one read of each operand on every ReLU backward.
     */
    static void register(OneDnnBackend backend, KernelTable table) {
        OneDnnEltwise kernels = new OneDnnEltwise(backend);
        table.put(EltwiseOps.FORWARD, (p, in, out) -> kernels.forward(p, in[0], out[0]),
                        Fallback.toReference("GELU (erf) at -Inf: oneDNN's AVX2 kernel gives +Inf, PyTorch NaN",
                                (p, in, out) -> p.algorithm() == EltwiseAlgorithm.GELU_ERF
                                        && SpecialValues.anyNegativeInfinity(backend, in[0])))
                .put(EltwiseOps.BACKWARD, (p, in, out) -> kernels.backward(p, in[0], in[1], out[0]),
                        Fallback.toReference("leaky ReLU's backward at a NaN input: oneDNN's slope there is 1, "
                                        + "PyTorch's the negative slope",
                                (p, in, out) -> p.algorithm() == EltwiseAlgorithm.RELU && p.alpha() != 0
                                        && SpecialValues.anyNaN(in[0])),
                        Fallback.toReference("ReLU's backward at a NaN input or a NaN/infinite gradient: oneDNN "
                                        + "multiplies by the derivative, PyTorch's threshold_backward selects",
                                (p, in, out) -> p.algorithm() == EltwiseAlgorithm.RELU && p.alpha() == 0
                                        && (SpecialValues.anyNaN(backend, in[0])
                                        || SpecialValues.anyNonFinite(backend, in[1]))),
                        Fallback.toReference("SiLU's backward with an infinite gradient: oneDNN flushes a tiny "
                                        + "derivative (x = -87: -1e-36) to 0 and gives NaN, PyTorch an infinity",
                                (p, in, out) -> p.algorithm() == EltwiseAlgorithm.SILU
                                        && SpecialValues.anyNonFinite(in[1])))
                .put(EltwiseOps.LOG, (p, in, out) -> log(p.min(), in[0], out[0]))
                .put(EltwiseOps.LOG_BACKWARD, (p, in, out) -> logBackward(p.min(), in[0], in[1], out[0]));
    }

    /** {@code layout}: the native layout the primitive runs in (a held input's, see {@link BlockedCopy}); null: plain. */
    private record Key(EltwiseAlgorithm algorithm, float alpha, long elements, boolean backward, int threads,
                       MemoryFormat layout) {
    }

    private void forward(EltwiseParams params, Tensor src, Tensor dst) {
        if (src.numel() == 0) {
            return;
        }
        if (OneDnnEltwiseLoops.runs(params, src)) {
            OneDnnEltwiseLoops.forward(params, src, dst);
            return;
        }
        BlockedCopy held = keepsPaddingZero(params.algorithm()) ? BlockedCopy.acquire(backend, src, null) : null;
        if (held != null) {
            try {
                onHeld(new Key(params.algorithm(), params.alpha(), src.numel(), false, ThreadCount.get(),
                        held.format()), held, dst, held.buffer());
            } finally {
                held.done();
            }
            return;
        }
        Key key = new Key(params.algorithm(), params.alpha(), src.numel(), false, ThreadCount.get(), null);
        MemorySegment in = TensorAccess.segment(src);
        MemorySegment out = TensorAccess.segment(dst);
        Runnable primitive = () -> backend.execute("eltwise", key, () -> create(key, null), in, out);
        if (isPlainRelu(key)) {
            ReluSpecialValues.run(in, out, src.numel(), primitive);
        } else {
            primitive.run();
        }
    }

    /** ReLU's forward with negative slope 0, whose NaN and -Inf {@link ReluSpecialValues} puts right. */
    private static boolean isPlainRelu(Key key) {
        return key.algorithm() == EltwiseAlgorithm.RELU && key.alpha() == 0 && !key.backward();
    }

    /**
     * Whether the function maps 0 to 0, so that running it over a blocked layout keeps the padding channels zero, as
     * oneDNN requires of every input (sigmoid and softplus would write f(0) there). Backward passes always do: the
     * incoming gradient is zero in the padding.
     */
    private static boolean keepsPaddingZero(EltwiseAlgorithm algorithm) {
        return switch (algorithm) {
            case RELU, ELU, TANH, GELU_TANH, GELU_ERF -> true;
            default -> false; // SIGMOID, SOFTPLUS; the rest run as Java loops (OneDnnEltwiseLoops) on plain memory

        };
    }

    private void backward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc) {
        if (src.numel() == 0) {
            return;
        }
        if (OneDnnEltwiseLoops.runs(params, src)) {
            OneDnnEltwiseLoops.backward(params, src, diffDst, diffSrc);
            return;
        }
        // sqrt's backward would write 0 / (2 sqrt 0) = NaN into a blocked layout's padding: it runs on plain memory.
        BlockedCopy heldSrc = params.algorithm() == EltwiseAlgorithm.SQRT ? null : BlockedCopy.acquire(backend, src, null);
        BlockedCopy heldDiff = heldSrc == null ? null : BlockedCopy.acquire(backend, diffDst, heldSrc.format());
        if (heldDiff != null) {
            try {
                onHeld(new Key(params.algorithm(), params.alpha(), src.numel(), true, ThreadCount.get(),
                        heldSrc.format()), heldSrc, diffSrc, heldSrc.buffer(), heldDiff.buffer());
            } finally {
                heldSrc.done();
                heldDiff.done();
            }
            return;
        }
        if (heldSrc != null) {
            heldSrc.done();
        }
        Key key = new Key(params.algorithm(), params.alpha(), src.numel(), true, ThreadCount.get(), null);
        backend.execute("eltwise", key, () -> create(key, null),
                TensorAccess.segment(src), TensorAccess.segment(diffDst), TensorAccess.segment(diffSrc));
    }

    /**
     * Runs the eltwise primitive for {@code key} on {@code inputs} (buffers held in {@code layout}'s layout) into a
     * new buffer in that layout, which {@code out} then holds.
     */
    private void onHeld(Key key, BlockedCopy layout, Tensor out, MemorySegment... inputs) {
        MemorySegment buffer = HostMemory.allocate(layout.bytes());
        MemorySegment[] data = Arrays.copyOf(inputs, inputs.length + 1);
        data[inputs.length] = buffer;
        boolean handedOver = false;
        try {
            Runnable primitive = () -> backend.execute("eltwise", key, () -> create(key, layout.md()), data);
            boolean noNaNOrNegativeInfinity = false;
            if (isPlainRelu(key)) {
                noNaNOrNegativeInfinity = ReluSpecialValues.run(inputs[0], buffer, layout.bytes() / Float.BYTES,
                        primitive);
                if (noNaNOrNegativeInfinity) {
                    layout.markNoNaNOrNegativeInfinity(); // the input: ReLU's backward reads it again
                }
            } else {
                primitive.run();
            }
            layout.holdLike(out, buffer, noNaNOrNegativeInfinity);
            handedOver = true;
        } finally {
            if (!handedOver) {
                HostMemory.release(buffer);
            }
        }
    }

    /** The eltwise primitive for {@code key}, on {@code layoutMd} when the key has a layout, else on plain memory. */
    private CachedPrimitive create(Key key, MemorySegment layoutMd) {
        int algorithm = switch (key.algorithm()) {
            case RELU -> dnnl_h.dnnl_eltwise_relu();
            case ELU -> dnnl_h.dnnl_eltwise_elu();
            case SIGMOID -> dnnl_h.dnnl_eltwise_logistic();
            case TANH -> dnnl_h.dnnl_eltwise_tanh();
            case SOFTPLUS -> dnnl_h.dnnl_eltwise_soft_relu();
            case GELU_TANH -> dnnl_h.dnnl_eltwise_gelu_tanh();
            case GELU_ERF -> dnnl_h.dnnl_eltwise_gelu_erf();
            case EXP -> dnnl_h.dnnl_eltwise_exp();
            case SQRT -> dnnl_h.dnnl_eltwise_sqrt();
            case SILU -> dnnl_h.dnnl_eltwise_swish();
            default -> throw new IllegalStateException("eltwise " + key.algorithm() + ": runs as a Java loop");
        };
        String label = "eltwise " + key;
        float alpha = key.algorithm() == EltwiseAlgorithm.SILU ? 1f : key.alpha(); // swish's sigmoid scale: 1
        try (Descriptors d = new Descriptors()) {
            MemorySegment md = key.layout() == null ? d.plain(key.elements()) : layoutMd;
            MemorySegment forwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_eltwise_forward_primitive_desc_create(forwardSlot, backend.engine().handle(),
                    dnnl_h.dnnl_forward_training(), algorithm, md, md, alpha, 0f, d.userScratchpadAttr()),
                    "dnnl_eltwise_forward_primitive_desc_create", label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (!key.backward()) {
                return new CachedPrimitive(backend.engine(), forward,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()}, label);
            }
            d.temporary(forward);
            MemorySegment backwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_eltwise_backward_primitive_desc_create(backwardSlot, backend.engine().handle(),
                    algorithm, md, md, md, alpha, 0f, forward, d.userScratchpadAttr()),
                    "dnnl_eltwise_backward_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), backwardSlot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC()}, label);
        }
    }

    // ---- log ----

    /**
     * {@code y = max(log x, min)}, NaN kept, as a Java loop rather than oneDNN's eltwise log: that primitive is
     * accurate to about 2e-6 relative (it gives 0.999998 for log e) and reads denormal inputs as about 1e-38 (log of
     * 1e-44 comes out as -88.0, not -101.3), which would move the losses built on the log (binary cross-entropy,
     * KL divergence) by more than float rounding. Element i is read before it is written, so it runs in place.
     */
    private static void log(float min, Tensor src, Tensor dst) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment y = TensorAccess.segment(dst);
        for (long i = 0, n = src.numel(); i < n; i++) {
            float l = (float) Math.log(x.getAtIndex(JAVA_FLOAT, i));
            y.setAtIndex(JAVA_FLOAT, i, l < min ? min : l); // NaN compares false and stays NaN
        }
    }

    /**
     * {@code dx = dy * d} with {@code d = 1/x} where {@code log x > min}, NaN where the log is NaN, else 0: a Java
     * loop (oneDNN has no masked reciprocal), element i read before it is written so it runs in place.
     */
    private static void logBackward(float min, Tensor src, Tensor diffDst, Tensor diffSrc) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment dy = TensorAccess.segment(diffDst);
        MemorySegment dx = TensorAccess.segment(diffSrc);
        for (long i = 0, n = src.numel(); i < n; i++) {
            float at = x.getAtIndex(JAVA_FLOAT, i);
            double l = Math.log(at);
            float derivative = l > min ? 1f / at : Double.isNaN(l) ? Float.NaN : 0f;
            dx.setAtIndex(JAVA_FLOAT, i, dy.getAtIndex(JAVA_FLOAT, i) * derivative);
        }
    }
}
