package org.jdnn.backend.onednn;

import org.jdnn.backend.Backend;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Operands;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.Settings;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.natives.dnnl.DnnlEngine;
import org.jdnn.natives.dnnl.DnnlStream;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The CPU backend on oneDNN: one engine, one stream per Java thread, primitives cached by shape and
 * parameters with user-managed scratchpads.
 *
 * <p>Kill switch: {@code -Djdnn.onednn.disable=matmul,eltwise} (or {@code all}; names in {@link #OPS}) routes
 * those ops to the reference backend, to tell a oneDNN bug from a jdnn bug. {@code -Djdnn.onednn.holdLayouts=false}
 * (or {@code JDNN_ONEDNN_HOLD_LAYOUTS=false}) makes every op leave its output in plain layout ({@link BlockedCopy}).
 */
public final class OneDnnBackend implements Backend, AutoCloseable {
    public static final String DISABLE_PROPERTY = "jdnn.onednn.disable";
    public static final String HOLD_LAYOUTS_PROPERTY = "jdnn.onednn.holdLayouts";
    /** Op names the kill switch understands. */
    public static final Set<String> OPS = Set.of("matmul", "eltwise", "softmax", "binary", "reduction", "concat", "split",
            "conv2d", "conv_transpose2d", OneDnnPooling.OP, OneDnnBatchNorm.OP, OneDnnOptimizers.OP);

    private static volatile OneDnnBackend shared;

    private final DnnlEngine engine;
    private final PrimitiveCache cache;
    private final Set<String> disabled;
    private final boolean holdLayouts;
    private final KernelTable kernels;
    private final List<DnnlStream> streams = new ArrayList<>();
    private final ThreadLocal<DnnlStream> threadStream = new ThreadLocal<>();
    private final Map<String, LongAdder> executions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private OneDnnBackend(Set<String> disabled, boolean holdLayouts) {
        for (String op : disabled) {
            if (!op.equals("all") && !OPS.contains(op)) {
                throw new IllegalArgumentException(DISABLE_PROPERTY + ": unknown op '" + op + "', expected some of " + OPS + " or all");
            }
        }
        this.disabled = Set.copyOf(disabled);
        this.holdLayouts = holdLayouts;
        this.engine = DnnlEngine.cpu();
        this.cache = new PrimitiveCache(Integer.getInteger("jdnn.onednn.cacheCapacity", 1024));
        this.kernels = new KernelTable("onednn", this.disabled);
        // One line per op family; each family's class registers its kernels and their fallbacks.
        OneDnnConvolution.register(this, kernels);
        kernels.put(ReductionOps.SUM_TO_SHAPE, (p, in, out) -> sumToShape(in[0], out[0]));
        binaryKernels.register(kernels);
        reductionKernels.register(kernels);
        concatKernels.register(kernels);
        OneDnnOptimizers.register(this, kernels);
        OneDnnPooling.register(this, kernels);
        OneDnnBatchNorm.register(this, kernels);
    }

    /** The process-wide instance (loads oneDNN on first use; throws NativeLibraryException if it cannot). */
    public static OneDnnBackend shared() {
        OneDnnBackend backend = shared;
        if (backend == null) {
            synchronized (OneDnnBackend.class) {
                backend = shared;
                if (backend == null) {
                    backend = new OneDnnBackend(disabledFromSettings(),
                            !"false".equalsIgnoreCase(Settings.value(HOLD_LAYOUTS_PROPERTY, "JDNN_ONEDNN_HOLD_LAYOUTS")));
                    shared = backend;
                }
            }
        }
        return backend;
    }

    /**
     * A private instance with its own engine and cache, with {@code disabledOps} routed to the reference backend.
     * Its outputs are always plain: a tensor held in a primitive's layout would need the engine after close().
     */
    public static OneDnnBackend create(Set<String> disabledOps) {
        return new OneDnnBackend(disabledOps, false);
    }

    private static Set<String> disabledFromSettings() {
        String value = Settings.value(DISABLE_PROPERTY, "JDNN_ONEDNN_DISABLE");
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public KernelTable kernels() {
        return kernels;
    }

    /** Whether {@code op} runs on oneDNN here (false when the kill switch routes it to the reference). */
    public boolean runsNatively(String op) {
        return !disabled.contains("all") && !disabled.contains(op);
    }

    /** How many times a oneDNN primitive of {@code op} was executed by this backend (proves the native path ran). */
    public long nativeExecutions(String op) {
        LongAdder count = executions.get(op);
        return count == null ? 0 : count.sum();
    }

    /** The number of primitives in the cache. */
    public int cachedPrimitives() {
        return cache.size();
    }

    /** The engine, for per-op classes of this package that build primitives. */
    DnnlEngine engine() {
        return engine;
    }

    // ---- matmul ----

    private record MatmulKey(boolean batched, long batchA, long batchB, long m, long k, long n, boolean transposeA,
                             boolean transposeB, boolean bias, int threads) {
    }

    @Override
    public void matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out) {
        if (!runsNatively("matmul")) {
            ReferenceBackend.INSTANCE.matmul(params, a, b, bias, out);
            return;
        }
        MatmulShapes s = Operands.matmul(params, a, b, bias, out, Device.CPU);
        if (out.numel() == 0) {
            return;
        }
        MatmulKey key = new MatmulKey(s.output().rank() == 3, s.batchA(), s.batchB(), s.m(), s.k(), s.n(), params.transposeA(),
                params.transposeB(), s.hasBias(), ThreadCount.get());
        MemorySegment[] data = bias == null
                ? new MemorySegment[] {TensorAccess.segment(a), TensorAccess.segment(b), TensorAccess.segment(out)}
                : new MemorySegment[] {TensorAccess.segment(a), TensorAccess.segment(b), TensorAccess.segment(bias),
                        TensorAccess.segment(out)};
        execute("matmul", key, () -> createMatmul(key, s), data);
    }

    private CachedPrimitive createMatmul(MatmulKey key, MatmulShapes s) {
        boolean batched = key.batched();
        long m = s.m(), k = s.k(), n = s.n();
        try (Descriptors d = new Descriptors()) {
            // Transposes are expressed as strides: A^T stored (K,M) is the (M,K) matrix with strides (1, M).
            long[] aStrides = key.transposeA() ? new long[] {1, m} : new long[] {k, 1};
            long[] bStrides = key.transposeB() ? new long[] {1, k} : new long[] {n, 1};
            MemorySegment aMd = batched ? d.strided(new long[] {key.batchA(), m, k}, new long[] {m * k, aStrides[0], aStrides[1]})
                    : d.strided(new long[] {m, k}, aStrides);
            MemorySegment bMd = batched ? d.strided(new long[] {key.batchB(), k, n}, new long[] {k * n, bStrides[0], bStrides[1]})
                    : d.strided(new long[] {k, n}, bStrides);
            MemorySegment biasMd = !key.bias() ? MemorySegment.NULL : batched ? d.plain(1, 1, n) : d.plain(1, n);
            MemorySegment outMd = batched ? d.plain(s.batch(), m, n) : d.plain(m, n);
            MemorySegment slot = d.handleSlot();
            String label = "matmul " + key;
            Dnnl.check(dnnl_h.dnnl_matmul_primitive_desc_create(slot, engine.handle(), aMd, bMd, biasMd, outMd,
                    d.userScratchpadAttr()), "dnnl_matmul_primitive_desc_create", label);
            int[] args = key.bias()
                    ? new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_BIAS(), dnnl_h.DNNL_ARG_DST()}
                    : new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_WEIGHTS(), dnnl_h.DNNL_ARG_DST()};
            return new CachedPrimitive(engine, slot.get(ADDRESS, 0), args, label);
        }
    }

    // ---- eltwise ----

    /** {@code layout}: the native layout the primitive runs in (a held input's, see {@link BlockedCopy}); null: plain. */
    private record EltwiseKey(EltwiseAlgorithm algorithm, float alpha, long elements, boolean backward, int threads,
                              MemoryFormat layout) {
    }

    @Override
    public void eltwiseForward(EltwiseParams params, Tensor src, Tensor dst) {
        if (!runsNatively("eltwise")) {
            ReferenceBackend.INSTANCE.eltwiseForward(params, src, dst);
            return;
        }
        Operands.eltwiseForward(params, src, dst, Device.CPU);
        if (src.numel() == 0) {
            return;
        }
        if (params.algorithm() == EltwiseAlgorithm.STEP) {
            stepForward(src, dst);
            return;
        }
        BlockedCopy held = keepsPaddingZero(params.algorithm()) ? BlockedCopy.acquire(this, src, null) : null;
        if (held != null) {
            try {
                eltwiseOnHeld(new EltwiseKey(params.algorithm(), params.alpha(), src.numel(), false, ThreadCount.get(),
                        held.format()), held, dst, held.buffer());
            } finally {
                held.done();
            }
            return;
        }
        EltwiseKey key = new EltwiseKey(params.algorithm(), params.alpha(), src.numel(), false, ThreadCount.get(), null);
        execute("eltwise", key, () -> createEltwise(key, null),
                TensorAccess.segment(src), TensorAccess.segment(dst));
    }

    /**
     * Whether the function maps 0 to 0, so that running it over a blocked layout keeps the padding channels zero, as
     * oneDNN requires of every input (sigmoid and softplus would write f(0) there). Backward passes always do: the
     * incoming gradient is zero in the padding.
     */
    private static boolean keepsPaddingZero(EltwiseAlgorithm algorithm) {
        return switch (algorithm) {
            case RELU, ELU, TANH, GELU_TANH, GELU_ERF -> true;
            case SIGMOID, SOFTPLUS, STEP -> false;
        };
    }

    @Override
    public void eltwiseBackward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc) {
        if (!runsNatively("eltwise")) {
            ReferenceBackend.INSTANCE.eltwiseBackward(params, src, diffDst, diffSrc);
            return;
        }
        Operands.eltwiseBackward(params, src, diffDst, diffSrc, Device.CPU);
        if (src.numel() == 0) {
            return;
        }
        BlockedCopy heldSrc = BlockedCopy.acquire(this, src, null);
        BlockedCopy heldDiff = heldSrc == null ? null : BlockedCopy.acquire(this, diffDst, heldSrc.format());
        if (heldDiff != null) {
            try {
                eltwiseOnHeld(new EltwiseKey(params.algorithm(), params.alpha(), src.numel(), true, ThreadCount.get(),
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
        EltwiseKey key = new EltwiseKey(params.algorithm(), params.alpha(), src.numel(), true, ThreadCount.get(), null);
        execute("eltwise", key, () -> createEltwise(key, null),
                TensorAccess.segment(src), TensorAccess.segment(diffDst), TensorAccess.segment(diffSrc));
    }

    /**
     * Runs the eltwise primitive for {@code key} on {@code inputs} (buffers held in {@code layout}'s layout) into a
     * new buffer in that layout, which {@code out} then holds.
     */
    private void eltwiseOnHeld(EltwiseKey key, BlockedCopy layout, Tensor out, MemorySegment... inputs) {
        MemorySegment buffer = HostMemory.allocate(layout.bytes());
        MemorySegment[] data = Arrays.copyOf(inputs, inputs.length + 1);
        data[inputs.length] = buffer;
        boolean handedOver = false;
        try {
            execute("eltwise", key, () -> createEltwise(key, layout.md()), data);
            layout.holdLike(out, buffer);
            handedOver = true;
        } finally {
            if (!handedOver) {
                HostMemory.release(buffer);
            }
        }
    }

    /** The eltwise primitive for {@code key}, on {@code layoutMd} when the key has a layout, else on plain memory. */
    private CachedPrimitive createEltwise(EltwiseKey key, MemorySegment layoutMd) {
        int algorithm = switch (key.algorithm()) {
            case RELU -> dnnl_h.dnnl_eltwise_relu();
            case ELU -> dnnl_h.dnnl_eltwise_elu();
            case SIGMOID -> dnnl_h.dnnl_eltwise_logistic();
            case TANH -> dnnl_h.dnnl_eltwise_tanh();
            case SOFTPLUS -> dnnl_h.dnnl_eltwise_soft_relu();
            case GELU_TANH -> dnnl_h.dnnl_eltwise_gelu_tanh();
            case GELU_ERF -> dnnl_h.dnnl_eltwise_gelu_erf();
            case STEP -> throw new IllegalStateException("eltwise STEP: runs on the binary primitive, not eltwise");
        };
        String label = "eltwise " + key;
        try (Descriptors d = new Descriptors()) {
            MemorySegment md = key.layout() == null ? d.plain(key.elements()) : layoutMd;
            MemorySegment forwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_eltwise_forward_primitive_desc_create(forwardSlot, engine.handle(),
                    dnnl_h.dnnl_forward_training(), algorithm, md, md, key.alpha(), 0f, d.userScratchpadAttr()),
                    "dnnl_eltwise_forward_primitive_desc_create", label);
            MemorySegment forward = forwardSlot.get(ADDRESS, 0);
            if (!key.backward()) {
                return new CachedPrimitive(engine, forward,
                        new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DST()}, label);
            }
            d.temporary(forward);
            MemorySegment backwardSlot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_eltwise_backward_primitive_desc_create(backwardSlot, engine.handle(), algorithm,
                    md, md, md, key.alpha(), 0f, forward, d.userScratchpadAttr()),
                    "dnnl_eltwise_backward_primitive_desc_create", label);
            return new CachedPrimitive(engine, backwardSlot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_SRC(), dnnl_h.DNNL_ARG_DIFF_DST(), dnnl_h.DNNL_ARG_DIFF_SRC()}, label);
        }
    }

    // ---- execution ----

    /**
     * Runs the cached primitive for {@code key} (created by {@code create} on a miss) on {@code data}, one
     * segment per argument in the order the primitive was built with, and counts it under {@code op}.
     * Per-op classes of this package call this; {@code key} must capture everything the primitive depends on.
     */
    void execute(String op, Object key, Supplier<CachedPrimitive> create, MemorySegment... data) {
        run(op, key, create, (primitive, stream) -> primitive.execute(stream, data));
    }

    /**
     * Like {@link #execute(String, Object, Supplier, MemorySegment...)} on tensors, for primitives that chose their
     * own layouts: an input held in the layout the primitive chose ({@link BlockedCopy}) is read as it is, and an
     * output the primitive writes in a layout of its choice is left held in it rather than reordered to plain, when
     * this backend holds layouts ({@link #holdsLayouts()}).
     */
    void execute(String op, Object key, Supplier<CachedPrimitive> create, Tensor... tensors) {
        run(op, key, create, (primitive, stream) -> primitive.execute(this, stream, tensors));
    }

    private void run(String op, Object key, Supplier<CachedPrimitive> create,
                     BiPredicate<CachedPrimitive, DnnlStream> execute) {
        if (closed) {
            throw new IllegalStateException("onednn: backend is closed");
        }
        ThreadCount.applyToCurrentThread();
        DnnlStream stream = stream();
        // An entry evicted by another thread between lookup and execute reports false: look it up again.
        while (!execute.test(cache.get(key, create), stream)) {
            Thread.onSpinWait();
        }
        executions.computeIfAbsent(op, o -> new LongAdder()).increment();
    }

    /**
     * Whether outputs may stay in a primitive's layout ({@link BlockedCopy}): the shared backend's, unless switched
     * off. It lives as long as the process, while a held copy needs its backend's engine as long as the tensor lives.
     */
    boolean holdsLayouts() {
        return holdLayouts;
    }

    /** Runs {@code reorder} from {@code internal} to the plain {@code user} now, on this thread (a held copy read back). */
    void reorderNow(LayoutReorder reorder, MemorySegment user, MemorySegment internal) {
        ThreadCount.applyToCurrentThread();
        DnnlStream stream = stream();
        try {
            reorder.enqueue(stream, user, internal);
        } finally {
            stream.waitFor();
        }
    }

    /** The cached primitive for {@code key}, created if absent, for per-op classes that query it (a workspace size, the implementation). */
    CachedPrimitive cachedPrimitive(Object key, Supplier<CachedPrimitive> create) {
        if (closed) {
            throw new IllegalStateException("onednn: backend is closed");
        }
        return cache.get(key, create);
    }

    /** The implementation oneDNN picked for a matmul of these sizes (creating it if needed), e.g. for benchmarks. */
    public String matmulImplementation(MatmulParams params, long m, long k, long n) {
        MatmulShapes s = MatmulShapes.infer(Shape.of(params.transposeA() ? k : m, params.transposeA() ? m : k),
                Shape.of(params.transposeB() ? n : k, params.transposeB() ? k : n), null, params);
        MatmulKey key = new MatmulKey(false, 1, 1, m, k, n, params.transposeA(), params.transposeB(), false, ThreadCount.get());
        return cache.get(key, () -> createMatmul(key, s)).implementation();
    }

    private DnnlStream stream() {
        DnnlStream stream = threadStream.get();
        if (stream == null) {
            stream = DnnlStream.create(engine);
            threadStream.set(stream);
            synchronized (streams) {
                streams.add(stream);
            }
        }
        return stream;
    }

    /** Frees every cached primitive, stream and the engine. The shared instance lives as long as the process. */
    @Override
    public void close() {
        if (this == shared) {
            throw new IllegalStateException("onednn: the shared backend cannot be closed");
        }
        closed = true;
        cache.close();
        synchronized (streams) {
            streams.forEach(DnnlStream::close);
            streams.clear();
        }
        engine.close();
    }

    // ---- softmax ----

    private final OneDnnSoftmax softmaxKernels = new OneDnnSoftmax(this);

    @Override
    public void softmaxForward(SoftmaxParams params, Tensor src, Tensor dst) {
        if (!runsNatively("softmax")) {
            ReferenceBackend.INSTANCE.softmaxForward(params, src, dst);
            return;
        }
        SoftmaxShapes s = Operands.softmaxForward(params, src, dst, Device.CPU);
        if (src.numel() > 0) {
            softmaxKernels.forward(s, params.log(), src.shape(), TensorAccess.segment(src), TensorAccess.segment(dst));
        }
    }

    @Override
    public void softmaxBackward(SoftmaxParams params, Tensor dst, Tensor diffDst, Tensor diffSrc) {
        if (!runsNatively("softmax")) {
            ReferenceBackend.INSTANCE.softmaxBackward(params, dst, diffDst, diffSrc);
            return;
        }
        SoftmaxShapes s = Operands.softmaxBackward(params, dst, diffDst, diffSrc, Device.CPU);
        if (dst.numel() > 0) {
            softmaxKernels.backward(s, params.log(), dst.shape(), TensorAccess.segment(dst),
                    TensorAccess.segment(diffDst), TensorAccess.segment(diffSrc));
        }
    }

    // ---- binary ----

    private final OneDnnBinary binaryKernels = new OneDnnBinary(this);

    /** Sums {@code grad} down to {@code out}'s shape: the backward of broadcasting. */
    void sumToShape(Tensor grad, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        if (grad.numel() == 0) {
            TensorAccess.segment(out).fill((byte) 0); // a sum over nothing
            return;
        }
        long[] from = BroadcastShapes.padded(grad.shape(), grad.rank());
        long[] to = BroadcastShapes.padded(out.shape(), from.length);
        if (Arrays.equals(from, to)) {
            TensorAccess.segment(out).copyFrom(TensorAccess.segment(grad));
            return;
        }
        reductionKernels.forward(ReductionAlgorithm.SUM, from, to, TensorAccess.segment(grad), TensorAccess.segment(out));
    }

    // ---- reduction ----

    private final OneDnnReduction reductionKernels = new OneDnnReduction(this, binaryKernels);

    // ---- concat ----

    private final OneDnnConcat concatKernels = new OneDnnConcat(this);

    // ---- conv2d ----

    /** The implementation oneDNN picks for a conv2d forward on these shapes (creating it if needed), e.g. "brg_conv_fwd:avx2". */
    public String conv2dImplementation(Conv2dParams params, Shape input, Shape weight, boolean bias) {
        Conv2dShapes s = Conv2dShapes.infer(input, weight, bias ? Shape.of(weight.dim(0)) : null, params);
        return OneDnnConvolution.implementation(this,
                OneDnnConvolution.Key.conv(OneDnnConvolution.Pass.FORWARD, s, params, bias));
    }

    // ---- step ----

    /**
     * oneDNN's eltwise has no step function; the binary comparison {@code src > 0} against a one-element zero
     * operand writes exactly 1.0 or 0.0 in f32 (0 for x = 0 and -0, as the reference; NaN is left unspecified
     * because the JIT compares "not x <= 0" and writes 1). Counted as "eltwise".
     */
    private void stepForward(Tensor src, Tensor dst) {
        binaryKernels.scalar("eltwise", dnnl_h.dnnl_binary_gt(), src.shape(), TensorAccess.segment(src), 0f,
                TensorAccess.segment(dst));
    }

    // ---- optimizer ----

    /** Counts one run of an optimizer loop (oneDNN has no optimizer primitives; see {@link OneDnnOptimizers}). */
    void countOptimizerUpdate() {
        executions.computeIfAbsent(OneDnnOptimizers.OP, o -> new LongAdder()).increment();
    }
}
