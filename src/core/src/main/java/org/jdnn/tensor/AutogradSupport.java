package org.jdnn.tensor;

/**
 * The door through which the autograd layer, which sits above this package, attaches graph state to
 * tensors and runs backward passes. Only {@code org.jdnn.autograd} uses it; user code calls
 * {@link Tensor#backward()}, {@link Tensor#grad()} and {@link Tensor#requiresGrad(boolean)}.
 */
public final class AutogradSupport {
    /** What {@link Tensor#backward} and a differentiable {@link Tensor#reshape} call into. */
    public interface Engine {
        void backward(Tensor root, Tensor gradient, boolean retainGraph);

        /** Records that {@code view} is {@code source} reshaped, so gradients flow through reshape. */
        void recordView(Tensor source, Tensor view);

        /** Records that {@code copy} is {@code source} copied to another device, so gradients flow back across. */
        void recordTransfer(Tensor source, Tensor copy);
    }

    private static final String ENGINE_CLASS = "org.jdnn.autograd.Autograd";
    private static volatile Engine engine;

    private AutogradSupport() {
    }

    /** Installs the autograd engine (done once by the autograd layer when it loads). */
    public static void install(Engine autograd) {
        engine = autograd;
    }

    /**
     * The engine, loading the autograd layer on first need: it installs itself when its class initialises, which
     * otherwise happens only once some autograd op runs, so a view taken before that would go untracked. Loaded
     * by name because this package sits below autograd and must not import it.
     */
    static Engine engine() {
        Engine installed = engine;
        if (installed == null) {
            try {
                Class.forName(ENGINE_CLASS, true, AutogradSupport.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return null; // a build without the autograd layer: nothing is tracked
            }
            installed = engine;
        }
        return installed;
    }

    /** Marks {@code output} as produced by {@code fn}. */
    public static void setGradFn(Tensor output, GradFn fn) {
        output.setGradFn(fn);
    }

    /** Sets a leaf's accumulated gradient (the tensor becomes owned by the leaf and is closed with it). */
    public static void setGrad(Tensor leaf, Tensor grad) {
        leaf.setGrad(grad);
    }

    // ---- hooks, retained gradients and inference mode (read by the autograd engine) ----

    /** The hooks backward calls with the tensor's complete gradient ({@link Tensor#registerHook}). */
    public static java.util.List<java.util.function.Function<Tensor, Tensor>> gradHooks(Tensor t) {
        Hooks<java.util.function.Function<Tensor, Tensor>> hooks = t.gradHooks();
        return hooks == null || hooks.isEmpty() ? java.util.List.of() : hooks.snapshot();
    }

    /** The hooks backward calls once the leaf's gradient is accumulated ({@link Tensor#registerPostAccumulateGradHook}). */
    public static java.util.List<java.util.function.Consumer<Tensor>> postAccumulateGradHooks(Tensor t) {
        Hooks<java.util.function.Consumer<Tensor>> hooks = t.postAccumulateGradHooks();
        return hooks == null || hooks.isEmpty() ? java.util.List.of() : hooks.snapshot();
    }

    /** Whether the tensor has a gradient hook or a post-accumulate-grad hook. */
    public static boolean hasHooks(Tensor t) {
        Hooks<?> grad = t.gradHooks();
        Hooks<?> post = t.postAccumulateGradHooks();
        return grad != null && !grad.isEmpty() || post != null && !post.isEmpty();
    }

    // Inference mode lives here, below autograd, because every tensor made while it is on is marked as it is created.
    private static final java.util.concurrent.atomic.AtomicInteger INFERENCE_SCOPES =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final ThreadLocal<int[]> INFERENCE_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** Enters inference mode on this thread (nested scopes count); the autograd layer's {@code inferenceMode()}. */
    public static void enterInferenceMode() {
        INFERENCE_DEPTH.get()[0]++;
        INFERENCE_SCOPES.incrementAndGet();
    }

    /** Leaves one level of inference mode on this thread. */
    public static void exitInferenceMode() {
        INFERENCE_DEPTH.get()[0]--;
        INFERENCE_SCOPES.decrementAndGet();
    }

    /** Whether this thread is in inference mode; one volatile read when no thread is. */
    public static boolean inferenceModeActive() {
        return INFERENCE_SCOPES.get() > 0 && INFERENCE_DEPTH.get()[0] > 0;
    }
}
