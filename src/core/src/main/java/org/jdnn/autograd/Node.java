package org.jdnn.autograd;

import org.jdnn.tensor.GradFn;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One recorded op in the graph: its inputs, its backward function, and tensors it owns only for backward
 * (masks, workspaces). {@link #release()} drops all of them, so a finished step keeps no native memory alive.
 */
final class Node implements GradFn {
    private final String name;
    private List<Tensor> inputs;
    /** Which inputs required grad when the op ran: a gradient is owed to them even if they are closed since. */
    private final boolean[] tracked;
    private BackwardFn backward;
    private List<AutoCloseable> owned;

    Node(String name, Tensor[] inputs, BackwardFn backward, List<AutoCloseable> owned) {
        this.name = name;
        this.inputs = Arrays.asList(inputs.clone());
        this.tracked = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            tracked[i] = inputs[i] != null && inputs[i].requiresGrad();
        }
        this.backward = backward;
        this.owned = new ArrayList<>(owned);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Tensor> inputs() {
        return inputs;
    }

    /**
     * Throws if an input the gradient must reach was closed after the op ran: closing drops its place in the graph,
     * so the gradient would otherwise vanish without a word.
     */
    void checkInputsOpen() {
        List<Tensor> current = inputs;
        for (int i = 0; i < current.size(); i++) {
            Tensor input = current.get(i);
            if (tracked[i] && input.isClosed()) {
                throw new IllegalStateException("backward: input " + i + " of " + name + " (tensor " + input.shape()
                        + ") was closed before backward; keep the tensors between the parameters and the loss open"
                        + " until backward has run (close the Scope after backward)");
            }
        }
    }

    boolean released() {
        return backward == null;
    }

    Tensor[] backward(Tensor gradOutput) {
        if (backward == null) {
            throw new IllegalStateException("backward: the graph through " + name + " was freed by an earlier"
                    + " backward(); call backward(gradient, true) to keep it for another pass");
        }
        boolean[] needs = new boolean[inputs.size()];
        for (int i = 0; i < needs.length; i++) {
            Tensor input = inputs.get(i);
            needs[i] = input != null && input.requiresGrad();
        }
        Tensor[] grads = backward.apply(gradOutput, needs);
        if (grads.length != needs.length) {
            throw new IllegalStateException("autograd: " + name + " returned " + grads.length + " gradients for "
                    + needs.length + " inputs");
        }
        return grads;
    }

    void release() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("autograd: cannot free a tensor saved by " + name, e);
            }
        }
        owned = List.of();
        inputs = List.of();
        backward = null;
    }

    @Override
    public String toString() {
        return name;
    }
}
