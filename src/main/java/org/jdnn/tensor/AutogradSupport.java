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
}
