package org.jdnn.nn;

import org.jdnn.autograd.Autograd;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Hooks;
import org.jdnn.tensor.RemovableHandle;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The base of every layer and model, as PyTorch's {@code nn.Module}: a module owns named parameters (leaf
 * tensors with {@code requiresGrad(true)}), named buffers (state such as running statistics, not trained) and
 * named child modules, all kept in registration order. Names are hierarchical: a {@link Sequential} whose
 * element 1 is a {@link BasicBlock} has the parameter {@code 1.conv1.weight} and the buffer
 * {@code 1.bn1.running_mean}.
 *
 * <p>Parameters and buffers are created outside any {@link Scope} ({@link Scope#untracked}), so a training
 * step's scope never closes them; the module owns them and {@link #close()} frees them all (with their
 * gradients). The tensors returned by {@link #parameters()}, {@link #stateDict()} etc. are the module's own:
 * use them, do not close them.
 *
 * <pre>{@code
 * try (Module model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10))) {
 *     try (Scope step = Scope.open()) {
 *         Tensor loss = lossFn(model.forward(x), y);
 *         model.zeroGrad();
 *         loss.backward();           // parameters' grad() now hold the gradients
 *     }
 * }
 * }</pre>
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private volatile boolean closed;

    /** Computes this module's output for {@code input}; differentiable through {@link org.jdnn.autograd.F}. */
    public abstract Tensor forward(Tensor input);

    // ---- registration (for subclasses) ----

    /**
     * Creates a parameter with {@code init} (run with no scope in effect, so the module owns the tensor), marks it
     * {@code requiresGrad(true)} and registers it under {@code name}. Returns the tensor.
     */
    protected final Tensor registerParameter(String name, Supplier<Tensor> init) {
        checkName(name);
        Tensor t = Scope.untracked(init);
        parameters.put(name, t.requiresGrad(true));
        return t;
    }

    /** Creates a buffer (state that is saved but not trained) with {@code init}, owned by the module. */
    protected final Tensor registerBuffer(String name, Supplier<Tensor> init) {
        checkName(name);
        Tensor t = Scope.untracked(init);
        buffers.put(name, t);
        return t;
    }

    /** Registers {@code module} as a child called {@code name}; it is closed with this module. Returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": child module '" + name + "' is null");
        }
        if (module == this) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a module cannot be its own child");
        }
        module.train(training); // a child (and its subtree) joins in its parent's mode
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        String type = getClass().getSimpleName();
        if (closed) {
            throw new IllegalStateException(type + ": module is closed");
        }
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(type + ": name '" + name + "' must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(type + ": name '" + name + "' is already registered");
        }
    }

    // ---- introspection ----

    /** Every parameter of this module and its descendants, once each, in registration order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters by hierarchical name ({@code features.0.weight}): this module's own first, then each child's in
     * registration order. A tensor shared by several modules appears once, under its first name.
     */
    public final LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        visit("", (prefix, m) -> m.parameters.forEach((n, t) -> {
            if (seen.add(t)) {
                out.put(prefix + n, t);
            }
        }));
        return out;
    }

    /** Buffers (running statistics...) by hierarchical name, like {@link #namedParameters()}. */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        visit("", (prefix, m) -> m.buffers.forEach((n, t) -> {
            if (seen.add(t)) {
                out.put(prefix + n, t);
            }
        }));
        return out;
    }

    /** The direct children by name, in registration order. */
    public final LinkedHashMap<String, Module> namedChildren() {
        return new LinkedHashMap<>(children);
    }

    /** The total number of parameter elements. */
    public final long numParameters() {
        long n = 0;
        for (Tensor t : parameters()) {
            n += t.numel();
        }
        return n;
    }

    /** Pre-order walk: this module's own tensors, then each child's under {@code prefix + childName + "."}. */
    private void visit(String prefix, BiConsumer<String, Module> action) {
        action.accept(prefix, this);
        children.forEach((name, child) -> child.visit(prefix + name + ".", action));
    }

    // ---- state dict ----

    /**
     * Everything needed to restore the module: per module, its parameters then its buffers, then its children's,
     * in PyTorch's order and naming. The tensors are the module's own (not copies): write them out (e.g. with
     * {@code SafeTensors.write}), do not close them.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        visit("", (prefix, m) -> {
            m.parameters.forEach((n, t) -> {
                if (seen.add(t)) {
                    out.put(prefix + n, t);
                }
            });
            m.buffers.forEach((n, t) -> {
                if (seen.add(t)) {
                    out.put(prefix + n, t);
                }
            });
        });
        return out;
    }

    /** What a non-strict {@link #loadStateDict(Map, boolean)} skipped. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /** Strict {@link #loadStateDict(Map, boolean)}: every key must match, with the same shape. */
    public final void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies the values of {@code state} into this module's parameters and buffers, in place (optimizers holding
     * the parameters keep working). Everything is checked before anything is copied: a shape mismatch always
     * throws, and in strict mode so do missing and unexpected keys; the message lists every problem.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (state == null) {
            throw new IllegalArgumentException("loadStateDict: state dict is null");
        }
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor source = state.get(e.getKey());
            if (source == null) {
                missing.add(e.getKey());
            } else if (!source.shape().equals(e.getValue().shape())) {
                mismatched.add(e.getKey() + ": checkpoint shape " + source.shape() + " != module shape "
                        + e.getValue().shape());
            } else if (source.isClosed()) {
                throw new IllegalStateException("loadStateDict: tensor '" + e.getKey() + "' of the state dict is closed");
            } else if (source.dtype() != e.getValue().dtype()) {
                // PyTorch converts here; jdnn refuses rather than convert silently.
                mismatched.add(e.getKey() + ": checkpoint dtype " + source.dtype() + " != module dtype "
                        + e.getValue().dtype());
            }
        }
        List<String> unexpected = new ArrayList<>(new TreeSet<>(state.keySet()));
        unexpected.removeAll(own.keySet());
        List<String> problems = new ArrayList<>();
        if (!mismatched.isEmpty()) {
            problems.add("size or dtype mismatch for " + String.join("; ", mismatched));
        }
        if (strict && !missing.isEmpty()) {
            problems.add("missing keys " + missing);
        }
        if (strict && !unexpected.isEmpty()) {
            problems.add("unexpected keys " + unexpected);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: error(s) loading state dict into "
                    + getClass().getSimpleName() + ": " + String.join("; ", problems));
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor source = state.get(e.getKey());
            if (source != null && source != e.getValue()) {
                copyInto(e.getValue(), source);
            }
        }
        return new LoadResult(missing, unexpected);
    }

    /** Copies {@code source}'s elements into {@code target} (same shape), whichever devices they are on. */
    private static void copyInto(Tensor target, Tensor source) {
        target.copyFrom(source);
    }

    /**
     * Moves every parameter and buffer (with its gradient) to {@code device}, in place, as PyTorch's
     * {@code module.to(device)}: references to them stay valid. Create optimizers after moving (their state lives
     * with the parameters; an update over two devices throws naming both).
     */
    public Module to(Device device) {
        visit("", (prefix, m) -> {
            m.parameters.values().forEach(t -> t.moveTo(device));
            m.buffers.values().forEach(t -> t.moveTo(device));
        });
        return this;
    }

    // ---- modes and gradients ----

    /** Sets training mode (dropout active, batch norm on batch statistics) on this module and all descendants. */
    public Module train(boolean mode) {
        visit("", (prefix, m) -> m.training = mode);
        return this;
    }

    public Module train() {
        return train(true);
    }

    /** Evaluation mode: dropout is the identity and batch norm uses its running statistics. */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Sets every parameter's accumulated gradient to zero (parameters without one are left alone). */
    public final void zeroGrad() {
        Autograd.zeroGrad(parameters());
    }

    // ---- the module tree ----

    /**
     * Every module of the tree by dotted name, PyTorch's {@code named_modules()}: this one first under {@code ""}, then
     * each child's subtree in registration order ({@code "features"}, {@code "features.0"}, ...). A module reachable
     * twice (shared) appears once, under its first name.
     */
    public final LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void collectModules(String name, Module module, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(module)) {
            return;
        }
        out.put(name, module);
        module.children.forEach((childName, child) ->
                collectModules(name.isEmpty() ? childName : name + "." + childName, child, out, seen));
    }

    /** Every module of the tree, this one first, each once: the values of {@link #namedModules()}. */
    public final List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /**
     * The modules of the tree that are a {@code type} (subclasses included), in {@link #modules()} order: initialising
     * by layer type reads {@code net.modules(Conv2d.class).forEach(c -> Init.kaimingNormal(c.weight(), ...))}.
     */
    public final <T> List<T> modules(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".modules: type is null");
        }
        List<T> out = new ArrayList<>();
        for (Module m : modules()) {
            if (type.isInstance(m)) {
                out.add(type.cast(m));
            }
        }
        return out;
    }

    /** The direct children in registration order, each once (a child registered under two names is listed once). */
    public final List<Module> children() {
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Module> out = new ArrayList<>();
        for (Module child : children.values()) {
            if (seen.add(child)) {
                out.add(child);
            }
        }
        return out;
    }

    /**
     * Calls {@code fn} on every module of the tree, children first and this module last, as PyTorch's
     * {@code apply(fn)} (typically to initialise weights); returns this.
     */
    public final Module apply(Consumer<? super Module> fn) {
        if (fn == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".apply: fn is null");
        }
        for (Module child : children()) {
            child.apply(fn);
        }
        fn.accept(this);
        return this;
    }

    /**
     * Sets {@code requiresGrad} on every parameter of the tree, PyTorch's {@code requires_grad_()}: with false the
     * parameters are frozen (backward computes no gradient for them, and optimizers leave them unchanged); returns
     * this.
     */
    public final Module requiresGrad(boolean requiresGrad) {
        for (Tensor p : parameters()) {
            p.requiresGrad(requiresGrad);
        }
        return this;
    }

    /** Freezes every parameter of the tree: {@code requiresGrad(false)}. */
    public final Module freeze() {
        return requiresGrad(false);
    }

    /** Unfreezes every parameter of the tree: {@code requiresGrad(true)}. */
    public final Module unfreeze() {
        return requiresGrad(true);
    }

    // ---- lifetime ----

    /**
     * Frees every parameter (and its gradient) and buffer of this module and its descendants. Idempotent and safe
     * while another thread runs a forward pass: its kernels either finish on memory whose free they defer, or throw
     * IllegalStateException naming the closed tensor.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        parameters.values().forEach(Tensor::close);
        buffers.values().forEach(Tensor::close);
        children.values().forEach(Module::close);
    }

    public final boolean isClosed() {
        return closed;
    }

    // ---- printing ----

    /** The one-line description inside the parentheses, as PyTorch's {@code extra_repr}; empty by default. */
    protected String extraRepr() {
        return "";
    }

    /**
     * The module tree as PyTorch prints it, e.g.
     * <pre>
     * Sequential(
     *   (0): Linear(in_features=4, out_features=3, bias=True)
     *   (1): ReLU()
     * )
     * </pre>
     */
    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        String extra = extraRepr();
        if (children.isEmpty()) {
            return name + "(" + extra + ")";
        }
        StringBuilder sb = new StringBuilder(name).append("(\n");
        if (!extra.isEmpty()) {
            sb.append(indent("  " + extra)).append('\n');
        }
        children.forEach((childName, child) ->
                sb.append(indent("  (" + childName + "): " + child)).append('\n'));
        return sb.append(')').toString();
    }

    /** Indents every line after the first by two spaces, as PyTorch's {@code _addindent}. */
    private static String indent(String text) {
        return text.replace("\n", "\n  ");
    }

    // ---- hooks ----

    /** A forward hook: sees the module, its input and its output; returns a replacement output, or null to keep it. */
    @FunctionalInterface
    public interface ForwardHook {
        Tensor apply(Module module, Tensor input, Tensor output);
    }

    // Made on first registration: most modules never have a hook.
    private volatile Hooks<java.util.function.BiFunction<Module, Tensor, Tensor>> forwardPreHooks;
    private volatile Hooks<ForwardHook> forwardHooks;

    /**
     * Runs the module as PyTorch's {@code module(x)}: the forward pre-hooks (each may replace the input), then
     * {@link #forward}, then the forward hooks (each may replace the output). Containers call their children this way,
     * so hooks on any module in a tree run; calling {@link #forward} directly skips this module's own hooks.
     */
    public final Tensor call(Tensor input) {
        Tensor x = input;
        Hooks<java.util.function.BiFunction<Module, Tensor, Tensor>> pre = forwardPreHooks;
        if (pre != null) {
            for (java.util.function.BiFunction<Module, Tensor, Tensor> hook : pre.snapshot()) {
                Tensor replaced = hook.apply(this, x);
                if (replaced != null) {
                    x = replaced;
                }
            }
        }
        Tensor out = forward(x);
        Hooks<ForwardHook> post = forwardHooks;
        if (post != null) {
            for (ForwardHook hook : post.snapshot()) {
                Tensor replaced = hook.apply(this, x, out);
                if (replaced != null) {
                    out = replaced;
                }
            }
        }
        return out;
    }

    /**
     * Registers a hook run by {@link #call} before {@link #forward} with (module, input); it may return a replacement
     * input, or null (PyTorch's {@code register_forward_pre_hook}).
     */
    public final synchronized RemovableHandle registerForwardPreHook(
            java.util.function.BiFunction<Module, Tensor, Tensor> hook) {
        if (forwardPreHooks == null) {
            forwardPreHooks = new Hooks<>();
        }
        return forwardPreHooks.add(hook, getClass().getSimpleName() + ".registerForwardPreHook");
    }

    /**
     * Registers a hook run by {@link #call} after {@link #forward} with (module, input, output); it may return a
     * replacement output, or null (PyTorch's {@code register_forward_hook}).
     */
    public final synchronized RemovableHandle registerForwardHook(ForwardHook hook) {
        if (forwardHooks == null) {
            forwardHooks = new Hooks<>();
        }
        return forwardHooks.add(hook, getClass().getSimpleName() + ".registerForwardHook");
    }

    /**
     * Registers {@code hook} on every parameter of this module and its descendants, called with (name, parameter)
     * once the parameter's gradient is accumulated during backward (PyTorch's
     * {@code register_post_accumulate_grad_hook} on each parameter): where a data-parallel trainer starts reducing a
     * gradient while backward goes on. The handle removes it from all of them.
     */
    public final RemovableHandle registerPostAccumulateGradHook(java.util.function.BiConsumer<String, Tensor> hook) {
        if (hook == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".registerPostAccumulateGradHook: hook is null");
        }
        List<RemovableHandle> handles = new ArrayList<>();
        namedParameters().forEach((name, p) -> handles.add(p.registerPostAccumulateGradHook(t -> hook.accept(name, t))));
        return new RemovableHandle(() -> handles.forEach(RemovableHandle::remove));
    }
}
