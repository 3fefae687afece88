package org.jdnn.autograd;

import org.jdnn.functional.Functional;
import org.jdnn.tensor.AutogradSupport;
import org.jdnn.tensor.GradFn;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Define-by-run reverse-mode differentiation. Differentiable ops ({@link F}) record a node on their output
 * when an input requires grad; {@link Tensor#backward()} walks the recorded graph once in reverse
 * topological order, summing fan-out, and accumulates into the leaves' {@link Tensor#grad()}.
 *
 * <p>Gradients computed for intermediate tensors are freed as soon as they are consumed; a leaf's gradient
 * is allocated once outside any {@link Scope} and then accumulated in place. Unless retained, the graph
 * (its nodes and the tensors they own) is freed after the pass. {@link #noGrad()} turns recording off,
 * {@link #inferenceMode()} too and marks what it makes. A derivative that returns a gradient of another shape than
 * its input's throws, naming the op. Tensor hooks ({@link Tensor#registerHook}), post-accumulate-grad hooks and
 * retained non-leaf gradients ({@link Tensor#retainGrad()}) run once a tensor's gradient is complete for the pass.
 */
public final class Autograd {
    // Whether this thread has turned recording off (noGrad); each scope restores what it found when it closes.
    private static final ThreadLocal<boolean[]> GRAD_DISABLED = ThreadLocal.withInitial(() -> new boolean[1]);

    static {
        AutogradSupport.install(new Engine());
    }

    private Autograd() {
    }

    /**
     * A region where no graph is recorded (evaluation, optimizer updates), as PyTorch's {@code torch.no_grad()}:
     * {@code try (var g = Autograd.noGrad()) { ... }}. Thread-local; closing it restores the mode it found, so regions
     * nest (an {@link #enableGrad()} inside turns recording back on until it closes).
     */
    public static NoGrad noGrad() {
        return new NoGrad(setDisabled(true));
    }

    /** A region where recording is on again inside a {@link #noGrad()} (PyTorch's {@code torch.enable_grad()}). */
    public static EnableGrad enableGrad() {
        return new EnableGrad(setDisabled(false));
    }

    /**
     * Inference mode, as PyTorch's {@code torch.inference_mode()}: nothing is recorded, and every tensor made inside is
     * an inference tensor ({@link Tensor#isInference()}), which may not take part in an op recorded for backward later
     * (that op throws, naming itself). Thread-local and nested like {@link #noGrad()}.
     */
    public static InferenceMode inferenceMode() {
        AutogradSupport.enterInferenceMode();
        return new InferenceMode();
    }

    private static boolean setDisabled(boolean value) {
        boolean[] state = GRAD_DISABLED.get();
        boolean previous = state[0];
        state[0] = value;
        return previous;
    }

    /** Ends a region that set the recording mode, restoring the mode it began in (once; closing again does nothing). */
    private abstract static class GradModeRegion implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private GradModeRegion(boolean previous) {
            this.previous = previous;
        }

        @Override
        public final void close() {
            if (!closed) {
                closed = true;
                GRAD_DISABLED.get()[0] = previous;
            }
        }
    }

    /** Ends a {@link #noGrad()} region, restoring the mode it began in. */
    public static final class NoGrad extends GradModeRegion {
        private NoGrad(boolean previous) {
            super(previous);
        }
    }

    /** Ends an {@link #enableGrad()} region, restoring the mode it began in. */
    public static final class EnableGrad extends GradModeRegion {
        private EnableGrad(boolean previous) {
            super(previous);
        }
    }

    /** Ends an {@link #inferenceMode()} region. */
    public static final class InferenceMode implements AutoCloseable {
        private boolean closed;

        private InferenceMode() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                AutogradSupport.exitInferenceMode();
            }
        }
    }

    /** Whether ops called on this thread now are recorded: not in a {@link #noGrad()} or {@link #inferenceMode()}. */
    public static boolean isGradEnabled() {
        return !GRAD_DISABLED.get()[0] && !AutogradSupport.inferenceModeActive();
    }

    /** Whether this thread is in {@link #inferenceMode()}. */
    public static boolean isInferenceModeEnabled() {
        return AutogradSupport.inferenceModeActive();
    }

    /**
     * Records that {@code output} was computed from {@code inputs} with the given backward, if recording is on
     * and an input requires grad; otherwise frees {@code owned} right away. Returns {@code output}.
     */
    public static Tensor record(String name, Tensor output, BackwardFn backward, List<? extends AutoCloseable> owned,
                                Tensor... inputs) {
        if (isGradEnabled() && anyRequiresGrad(inputs)) {
            for (Tensor input : inputs) {
                if (input != null && input.isInference()) {
                    free(name, owned);
                    output.close();
                    throw new IllegalStateException(name + ": input " + input.shape() + " is an inference tensor (made"
                            + " in inference mode) and cannot be used in an op recorded for backward; use a copy made"
                            + " outside inference mode");
                }
            }
            AutogradSupport.setGradFn(output, new Node(name, inputs, backward, new ArrayList<>(owned)));
        } else {
            free(name, owned);
        }
        return output;
    }

    private static void free(String name, List<? extends AutoCloseable> owned) {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(name + ": cannot free a temporary", e);
            }
        }
    }

    public static Tensor record(String name, Tensor output, BackwardFn backward, Tensor... inputs) {
        return record(name, output, backward, List.of(), inputs);
    }

    static boolean anyRequiresGrad(Tensor... inputs) {
        for (Tensor input : inputs) {
            if (input != null && input.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Zeroes (in place) the gradients of the given leaves that have one. */
    public static void zeroGrad(Iterable<Tensor> leaves) {
        for (Tensor leaf : leaves) {
            if (leaf.grad() != null) {
                leaf.grad().fill(0f);
            }
        }
    }

    private static final class Engine implements AutogradSupport.Engine {
        @Override
        public void recordView(Tensor source, Tensor view) {
            long[] sourceDims = source.dims();
            record("reshape", view, (g, needs) -> new Tensor[] {g.reshape(sourceDims)}, source);
        }

        @Override
        public void recordTransfer(Tensor source, Tensor copy) {
            org.jdnn.tensor.Device from = source.device();
            record("to", copy, (g, needs) -> new Tensor[] {g.to(from)}, source);
        }

        @Override
        public void backward(Tensor root, Tensor gradient, boolean retainGraph) {
            if (gradient == null && root.numel() != 1) {
                throw new IllegalArgumentException("backward: output of shape " + root.shape()
                        + " is not a single value; pass a gradient of that shape");
            }
            if (gradient != null && !gradient.shape().equals(root.shape())) {
                throw new IllegalArgumentException("backward: gradient shape " + gradient.shape()
                        + " != output shape " + root.shape());
            }
            try (NoGrad ignored = noGrad(); Scope scope = Scope.open()) {
                Tensor seed = gradient != null ? gradient : Tensor.ones(root.dtype(), root.device(), root.dims());
                if (root.isLeaf()) {
                    new Pass(gradient).leafRoot(root, seed);
                    return;
                }
                List<Node> order = topologicalOrder((Node) root.gradFn());
                new Pass(gradient).run(order, root, seed);
                if (!retainGraph) {
                    order.forEach(Node::release);
                }
            }
        }

        /**
         * One backward pass. Gradient tensors may be shared (an op can hand the same tensor to two inputs), so
         * the pass counts its references to each and frees it when the last one is consumed.
         *
         * <p>A tensor's gradient hooks run once its gradient for the pass is complete: a non-leaf's when its node is
         * reached (all its consumers come earlier in the order), a hooked leaf's after the last node that uses it. A
         * leaf without hooks takes each contribution as it comes, as before hooks existed.
         */
        private static final class Pass {
            private final Tensor userGradient;
            private final Map<Tensor, Tensor> pending = new IdentityHashMap<>();
            private final Map<GradFn, Tensor> outputOf = new IdentityHashMap<>();
            private final Map<Tensor, Integer> holds = new IdentityHashMap<>();
            // Leaves with hooks: their summed gradient so far, and after which node it is complete.
            private final Map<Tensor, Tensor> leafPending = new IdentityHashMap<>();
            private final Map<Tensor, Integer> lastUse = new IdentityHashMap<>();
            // What hooks returned: possibly the caller's own tensors, so never closed here (the pass's scope frees
            // the ones made during the pass).
            private final Set<Tensor> borrowed = Collections.newSetFromMap(new IdentityHashMap<>());

            Pass(Tensor userGradient) {
                this.userGradient = userGradient;
            }

            /** backward() called on a leaf itself. */
            void leafRoot(Tensor root, Tensor seed) {
                hold(seed);
                completeLeaf(root, seed);
            }

            void run(List<Node> order, Tensor root, Tensor seed) {
                outputOf.put(root.gradFn(), root);
                hold(seed);
                pending.put(root, seed);
                List<List<Tensor>> completeAfter = hookedLeaves(order);
                for (int k = 0; k < order.size(); k++) {
                    Node node = order.get(k);
                    Tensor output = outputOf.get(node);
                    Tensor gradOutput = output == null ? null : pending.remove(output);
                    if (gradOutput != null) { // else no gradient reached this node
                        gradOutput = complete(output, gradOutput);
                        List<Tensor> inputs = node.inputs();
                        Tensor[] grads = node.backward(gradOutput);
                        checkShapes(node, inputs, grads);
                        for (Tensor g : grads) {
                            if (g != null) {
                                hold(g);
                            }
                        }
                        drop(gradOutput);
                        for (int i = 0; i < grads.length; i++) {
                            route(inputs.get(i), grads[i]);
                        }
                    }
                    if (completeAfter != null && completeAfter.get(k) != null) {
                        for (Tensor leaf : completeAfter.get(k)) {
                            Tensor g = leafPending.remove(leaf);
                            if (g != null) {
                                completeLeaf(leaf, g);
                            }
                        }
                    }
                }
                pending.values().forEach(this::drop);
            }

            /** For each position in the order, the hooked leaves whose last consumer is there (null if none). */
            private List<List<Tensor>> hookedLeaves(List<Node> order) {
                for (int k = 0; k < order.size(); k++) {
                    for (Tensor input : order.get(k).inputs()) {
                        if (input != null && input.isLeaf() && input.requiresGrad() && AutogradSupport.hasHooks(input)) {
                            lastUse.put(input, k);
                        }
                    }
                }
                if (lastUse.isEmpty()) {
                    return null;
                }
                List<List<Tensor>> at = new ArrayList<>(Collections.nCopies(order.size(), null));
                lastUse.forEach((leaf, k) -> {
                    if (at.get(k) == null) {
                        at.set(k, new ArrayList<>());
                    }
                    at.get(k).add(leaf);
                });
                return at;
            }

            /** A derivative must return each input that requires grad a gradient of exactly its shape. */
            private static void checkShapes(Node node, List<Tensor> inputs, Tensor[] grads) {
                for (int i = 0; i < grads.length; i++) {
                    Tensor input = inputs.get(i);
                    if (grads[i] != null && input != null && input.requiresGrad()
                            && !grads[i].shape().equals(input.shape())) {
                        throw new IllegalStateException("backward: the derivative of " + node.name()
                                + " returned a gradient of shape " + grads[i].shape() + " for its input " + i
                                + " of shape " + input.shape());
                    }
                }
            }

            /** A non-leaf's gradient is complete: its hooks run, and a retained gradient is kept. */
            private Tensor complete(Tensor tensor, Tensor g) {
                g = runHooks(tensor, g);
                if (tensor.retainsGrad()) {
                    if (tensor.grad() == null) {
                        AutogradSupport.setGrad(tensor, Scope.untracked(g::copy));
                    } else {
                        Functional.addInPlace(tensor.grad(), g);
                    }
                }
                return g;
            }

            /** A leaf's gradient for the pass is complete: hooks, accumulation, then post-accumulate hooks. */
            private void completeLeaf(Tensor leaf, Tensor g) {
                g = runHooks(leaf, g);
                accumulateIntoLeaf(leaf, g);
                drop(g);
                for (java.util.function.Consumer<Tensor> hook : AutogradSupport.postAccumulateGradHooks(leaf)) {
                    hook.accept(leaf);
                }
            }

            private Tensor runHooks(Tensor tensor, Tensor g) {
                for (java.util.function.Function<Tensor, Tensor> hook : AutogradSupport.gradHooks(tensor)) {
                    Tensor replaced = hook.apply(g);
                    if (replaced != null && replaced != g) {
                        if (!replaced.shape().equals(tensor.shape())) {
                            throw new IllegalStateException("backward: a hook on tensor " + tensor.shape()
                                    + (tensor.isLeaf() ? "" : " (made by " + tensor.gradFn().name() + ")")
                                    + " returned a gradient of shape " + replaced.shape());
                        }
                        borrowed.add(replaced);
                        hold(replaced);
                        drop(g);
                        g = replaced;
                    }
                }
                return g;
            }

            /** Sends one input's gradient on: into a leaf's grad, or into the pending sum for a non-leaf. */
            private void route(Tensor input, Tensor g) {
                if (g == null) {
                    return;
                }
                if (input == null || !input.requiresGrad()) {
                    drop(g);
                } else if (input.isLeaf() && !lastUse.containsKey(input)) {
                    accumulateIntoLeaf(input, g);
                    drop(g);
                } else {
                    Map<Tensor, Tensor> sums = input.isLeaf() ? leafPending : pending;
                    if (!input.isLeaf()) {
                        outputOf.put(input.gradFn(), input);
                    }
                    Tensor previous = sums.get(input);
                    if (previous == null) {
                        sums.put(input, g);
                    } else {
                        Tensor sum = F.add(previous, g);
                        hold(sum);
                        sums.put(input, sum);
                        drop(previous);
                        drop(g);
                    }
                }
            }

            private void hold(Tensor t) {
                holds.merge(t, 1, Integer::sum);
            }

            private void drop(Tensor t) {
                Integer left = holds.merge(t, -1, Integer::sum);
                if (left != null && left <= 0) {
                    holds.remove(t);
                    if (t != userGradient && !borrowed.contains(t)) {
                        t.close();
                    }
                }
            }
        }

        /** The nodes reachable from {@code root}, each after every node that consumes its output. */
        private static List<Node> topologicalOrder(Node root) {
            List<Node> postOrder = new ArrayList<>();
            Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
            ArrayDeque<Object[]> stack = new ArrayDeque<>();
            stack.push(new Object[] {root, 0});
            visited.add(root);
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Node node = (Node) frame[0];
                int next = (int) frame[1];
                List<Tensor> inputs = node.inputs();
                if (node.released()) {
                    node.backward(null); // throws the "graph was freed" message
                }
                if (next == 0) {
                    node.checkInputsOpen(); // before any gradient is computed: a failed pass changes no leaf
                }
                if (next < inputs.size()) {
                    frame[1] = next + 1;
                    Tensor input = inputs.get(next);
                    if (input != null && input.gradFn() instanceof Node child && visited.add(child)) {
                        stack.push(new Object[] {child, 0});
                    }
                } else {
                    stack.pop();
                    postOrder.add(node);
                }
            }
            Collections.reverse(postOrder);
            return postOrder;
        }

        private static void accumulateIntoLeaf(Tensor leaf, Tensor g) {
            if (leaf.grad() == null) {
                AutogradSupport.setGrad(leaf, Scope.untracked(g::copy));
            } else {
                Functional.addInPlace(leaf.grad(), g);
            }
        }
    }
}
