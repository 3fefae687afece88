package org.jdnn.backend.onednn;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.natives.Settings;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.natives.dnnl.DnnlEngine;
import org.jdnn.natives.dnnl.DnnlStream;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.tensor.DType;
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

/**
 * The CPU backend on oneDNN: one engine, one stream per Java thread, primitives cached by shape and
 * parameters with user-managed scratchpads.
 *
 * <p>Kill switch: {@code -Djdnn.onednn.disable=matmul,eltwise} (or {@code all}; any op's name or family, see {@link #opNames}) routes
 * those ops to the reference backend, to tell a oneDNN bug from a jdnn bug. {@code -Djdnn.onednn.holdLayouts=false}
 * (or {@code JDNN_ONEDNN_HOLD_LAYOUTS=false}) makes every op leave its output in plain layout ({@link BlockedCopy}).
 */
public final class OneDnnBackend implements Backend, AutoCloseable {
    public static final String DISABLE_PROPERTY = "jdnn.onednn.disable";
    public static final String HOLD_LAYOUTS_PROPERTY = "jdnn.onednn.holdLayouts";
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
        this.disabled = Set.copyOf(disabled);
        this.holdLayouts = holdLayouts;
        this.engine = DnnlEngine.cpu();
        this.cache = new PrimitiveCache(Integer.getInteger("jdnn.onednn.cacheCapacity", 1024));
        // Its kernels take float32; any other dtype falls back to the reference (declared once, in the table).
        this.kernels = new KernelTable("onednn", this.disabled, Set.of(DType.FLOAT32));
        // One line per op family; each family's class registers its kernels and their fallbacks.
        OneDnnConvolution.register(this, kernels);
        kernels.put(ReductionOps.SUM_TO_SHAPE, (p, in, out) -> sumToShape(in[0], out[0]),
                Fallback.toReference("more than 12 dimensions (oneDNN's largest rank): a matmul gradient's batch",
                        (p, in, out) -> in[0].rank() > 12));
        binaryKernels.register(kernels);
        reductionKernels.register(kernels);
        concatKernels.register(kernels);
        OneDnnOptimizers.register(this, kernels);
        OneDnnPooling.register(this, kernels);
        OneDnnBatchNorm.register(this, kernels);
        OneDnnMatmul.register(this, kernels);
        OneDnnEltwise.register(this, kernels);
        OneDnnSoftmax.register(this, kernels);
        OneDnnSign.register(kernels);
        // ---- views ----
        OneDnnViews.register(this, kernels);
        // ---- element-wise math ----
        OneDnnPow.register(kernels);
        // ---- losses ----
        OneDnnLoss.register(kernels);
        // ---- integer- and bool-valued ops ----
        OneDnnArgReduction.register(kernels);
        OneDnnComparison.register(kernels);
        OneDnnIndexing.register(kernels);
        // ---- dtypes ----
        OneDnnCast.register(kernels);
        // ---- layers ----
        OneDnnResampling.register(this, kernels);
        try {
            kernels.requireKnownDisabled(DISABLE_PROPERTY);
        } catch (IllegalArgumentException e) {
            engine.close();
            throw e;
        }
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

    /** Whether oneDNN's bf16 kernels run on this CPU ({@link Dnnl#runsBf16()}). */
    @Override
    public boolean runsBf16() {
        return Dnnl.runsBf16();
    }

    /** Whether {@code op} runs on oneDNN here (false when the kill switch routes it to the reference). */
    public boolean runsNatively(String op) {
        return !disabled.contains("all") && !disabled.contains(op);
    }

    /** The op names and families this backend has kernels for: what its kill switch takes. */
    public Set<String> opNames() {
        return kernels.names();
    }

    /** How many oneDNN primitives this backend has executed, all ops together. */
    public long nativeExecutions() {
        return executions.values().stream().mapToLong(LongAdder::sum).sum();
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

    /**
     * Like {@link #execute(String, Object, Supplier, Tensor...)} for a primitive with a sum post-op: its dst (the last
     * tensor) holds {@code residual} before the primitive adds its result to it.
     */
    void executeAccumulating(String op, Object key, Supplier<CachedPrimitive> create, Tensor residual,
                             Tensor... tensors) {
        run(op, key, create, (primitive, stream) -> primitive.executeAccumulating(this, stream, residual, tensors));
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
        return OneDnnMatmul.implementation(this, params, m, k, n);
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
        if (OneDnnReduction.copiedWhenIdentity(from, to, grad, out)) {
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

    // ---- optimizer ----

    /** Counts one run of an optimizer loop (oneDNN has no optimizer primitives; see {@link OneDnnOptimizers}). */
    void countOptimizerUpdate() {
        executions.computeIfAbsent(OneDnnOptimizers.OP, o -> new LongAdder()).increment();
    }
}
