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
 * (its nodes and the tensors they own) is freed after the pass. {@link #noGrad()} turns recording off.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    static {
        AutogradSupport.install(new Engine());
    }

    private Autograd() {
    }

    /** A region where no graph is recorded (evaluation, optimizer updates); close it to end the region. */
    public static NoGrad noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Ends a {@link #noGrad()} region. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Records that {@code output} was computed from {@code inputs} with the given backward, if recording is on
     * and an input requires grad; otherwise frees {@code owned} right away. Returns {@code output}.
     */
    public static Tensor record(String name, Tensor output, BackwardFn backward, List<? extends AutoCloseable> owned,
                                Tensor... inputs) {
        if (isGradEnabled() && anyRequiresGrad(inputs)) {
            AutogradSupport.setGradFn(output, new Node(name, inputs, backward, new ArrayList<>(owned)));
        } else {
            for (AutoCloseable resource : owned) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException(name + ": cannot free a temporary", e);
                }
            }
        }
        return output;
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
                    accumulateIntoLeaf(root, seed);
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
         */
        private static final class Pass {
            private final Tensor userGradient;
            private final Map<Tensor, Tensor> pending = new IdentityHashMap<>();
            private final Map<GradFn, Tensor> outputOf = new IdentityHashMap<>();
            private final Map<Tensor, Integer> holds = new IdentityHashMap<>();

            Pass(Tensor userGradient) {
                this.userGradient = userGradient;
            }

            void run(List<Node> order, Tensor root, Tensor seed) {
                outputOf.put(root.gradFn(), root);
                hold(seed);
                pending.put(root, seed);
                for (Node node : order) {
                    Tensor output = outputOf.get(node);
                    Tensor gradOutput = output == null ? null : pending.remove(output);
                    if (gradOutput == null) {
                        continue; // no gradient reached this node
                    }
                    List<Tensor> inputs = node.inputs();
                    Tensor[] grads = node.backward(gradOutput);
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
                pending.values().forEach(this::drop);
            }

            /** Sends one input's gradient on: into a leaf's grad, or into the pending sum for a non-leaf. */
            private void route(Tensor input, Tensor g) {
                if (g == null) {
                    return;
                }
                if (input == null || !input.requiresGrad()) {
                    drop(g);
                } else if (input.isLeaf()) {
                    accumulateIntoLeaf(input, g);
                    drop(g);
                } else {
                    outputOf.put(input.gradFn(), input);
                    Tensor previous = pending.get(input);
                    if (previous == null) {
                        pending.put(input, g);
                    } else {
                        Tensor sum = F.add(previous, g);
                        hold(sum);
                        pending.put(input, sum);
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
                    if (t != userGradient) {
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
