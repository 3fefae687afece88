package org.jdnn.optim;

import org.jdnn.autograd.Autograd;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Updates parameters from their gradients, PyTorch style:
 * <pre>{@code
 * Optimizer opt = new Adam(params, AdamParams.adam(1e-3));
 * for (...) {
 *     opt.zeroGrad();
 *     try (Scope s = Scope.open()) { loss(...).backward(); }
 *     opt.step();
 * }
 * }</pre>
 * Updates run without recording a graph and write in place into each parameter's memory, through the
 * backend's optimizer kernels. Parameters without a gradient are skipped. Per-parameter state lives outside
 * any {@link Scope} until {@link #close()}; {@link #stateDict()} / {@link #loadStateDict} checkpoint it.
 *
 * <p>Once the optimizer or one of its parameters is closed, {@link #step()} throws IllegalStateException instead
 * of quietly skipping the parameter or re-creating its state. {@link #close()} from another thread waits for a
 * running step to finish, so the state is never freed under an update.
 */
public abstract class Optimizer implements AutoCloseable {
    private final String name;
    private final List<ParamGroup> groups;
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();
    private volatile boolean closed;

    /**
     * @param name               the optimizer's name, used in messages ("adam")
     * @param groups             the parameter groups; their unset lr / weight decay take the defaults
     */
    protected Optimizer(String name, List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        this.name = name;
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(name + ": no parameter groups given");
        }
        if (groups.stream().allMatch(g -> g.params().isEmpty())) {
            throw new IllegalArgumentException(name + ": the parameter list is empty (nothing to optimize)");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup group : groups) {
            group.resolve(defaultLr, defaultWeightDecay);
            for (Tensor p : group.params()) {
                if (p == null) {
                    throw new IllegalArgumentException(name + ": a parameter is null");
                }
                if (!p.isLeaf()) {
                    throw new IllegalArgumentException(name + ": parameter " + p.shape() + " is not a leaf (made by "
                            + p.gradFn().name() + "); optimise leaf tensors");
                }
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(name + ": parameter " + p.shape() + " appears twice");
                }
            }
        }
        this.groups = List.copyOf(groups);
    }

    /** One group of {@code params} with the defaults. */
    protected static List<ParamGroup> single(List<Tensor> params) {
        return List.of(ParamGroup.of(params));
    }

    public String name() {
        return name;
    }

    public List<ParamGroup> paramGroups() {
        return groups;
    }

    /** All parameters, group by group. */
    public List<Tensor> params() {
        List<Tensor> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(g.params()));
        return all;
    }

    /** The first group's learning rate. */
    public double lr() {
        return groups.getFirst().lr();
    }

    /** Sets every group's learning rate. */
    public void setLr(double lr) {
        groups.forEach(g -> g.setLr(lr));
    }

    /** Zeroes every parameter's gradient in place. */
    public void zeroGrad() {
        checkUsable();
        Autograd.zeroGrad(params());
    }

    /**
     * Throws IllegalStateException if this optimizer or one of its parameters is closed; checked before an update
     * touches any parameter, so a step either updates them all or none.
     */
    protected final void checkUsable() {
        if (closed) {
            throw new IllegalStateException(name + ": the optimizer is closed");
        }
        for (ParamGroup group : groups) {
            for (Tensor p : group.params()) {
                if (p.isClosed()) {
                    throw new IllegalStateException(name + ": parameter " + p.shape() + " is closed");
                }
            }
        }
    }

    /**
     * Applies one update to every parameter that has a gradient and requires one: a frozen parameter
     * ({@code requiresGrad(false)}) is left unchanged even where an earlier backward left it a gradient.
     */
    public synchronized void step() {
        checkUsable();
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            for (ParamGroup group : groups) {
                for (Tensor p : group.params()) {
                    Tensor grad = p.grad();
                    if (grad == null || !p.requiresGrad()) {
                        continue;
                    }
                    ParamState s = stateOf(p);
                    s.advance();
                    update(group, p, grad, s);
                }
            }
        }
    }

    /**
     * Evaluates {@code closure} (which should zero the gradients, compute the loss and call backward) with
     * recording on, then steps; returns the loss value.
     */
    public synchronized float step(Supplier<Tensor> closure) {
        checkUsable();
        float loss;
        try (Scope scope = Scope.open()) {
            loss = closure.get().item();
        }
        step();
        return loss;
    }

    /** Updates {@code param} in place from {@code grad}; {@code state.step()} is already advanced (1 on the first call). */
    protected abstract void update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

    /** The optimizer-wide hyper-parameters (besides each group's lr and weight decay), for the state dict. */
    protected abstract Map<String, Double> hyperParameters();

    /** Restores what {@link #hyperParameters()} returned. */
    protected abstract void loadHyperParameters(Map<String, Double> values);

    /** Extra optimizer-wide state (L-BFGS history); none by default. */
    protected void saveExtraState(Map<String, Tensor> tensors, Map<String, Double> values) {
    }

    protected void loadExtraState(StateDict dict) {
    }

    /** The state of {@code param}, created empty on first use. */
    protected ParamState stateOf(Tensor param) {
        return state.computeIfAbsent(param, ParamState::new);
    }

    /** A copy of the state: buffers, step counts, group options and hyper-parameters. The caller closes it. */
    public synchronized StateDict stateDict() {
        checkUsable();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        int index = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            values.put("param_groups." + g + ".lr", group.lr());
            values.put("param_groups." + g + ".weight_decay", group.weightDecay());
            values.put("param_groups." + g + ".size", (double) group.params().size());
            for (Tensor p : group.params()) {
                ParamState s = state.get(p);
                if (s != null) {
                    values.put("state." + index + ".step", (double) s.step());
                    for (Map.Entry<String, Tensor> e : s.buffers().entrySet()) {
                        tensors.put("state." + index + "." + e.getKey(), Scope.untracked(e.getValue()::copy));
                    }
                }
                index++;
            }
        }
        hyperParameters().forEach((k, v) -> values.put("hyper." + k, v));
        saveExtraState(tensors, values);
        return new StateDict(tensors, values);
    }

    /**
     * Restores a {@link #stateDict()} taken from an optimizer of the same kind over parameters of the same
     * shapes in the same groups; the state is copied, so the dict may be closed afterwards.
     */
    public synchronized void loadStateDict(StateDict dict) {
        if (dict == null) {
            throw new IllegalArgumentException(name + ": state dict is null");
        }
        checkUsable();
        Map<String, Double> hyper = new HashMap<>();
        for (String key : hyperParameters().keySet()) {
            hyper.put(key, dict.value(name, "hyper." + key));
        }
        int index = 0;
        for (int g = 0; g < groups.size(); g++) {
            double size = dict.value(name, "param_groups." + g + ".size");
            if (size != groups.get(g).params().size()) {
                throw new IllegalArgumentException(name + ": state dict group " + g + " has " + (long) size
                        + " parameters, this optimizer's has " + groups.get(g).params().size());
            }
            index += groups.get(g).params().size();
        }
        if (dict.values().containsKey("param_groups." + groups.size() + ".size")) {
            throw new IllegalArgumentException(name + ": state dict has more parameter groups than " + groups.size());
        }
        loadHyperParameters(hyper);
        state.values().forEach(ParamState::close);
        state.clear();
        index = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            group.setLr(dict.value(name, "param_groups." + g + ".lr"));
            group.setWeightDecay(dict.value(name, "param_groups." + g + ".weight_decay"));
            for (Tensor p : group.params()) {
                String prefix = "state." + index + ".";
                Double step = dict.values().get(prefix + "step");
                if (step != null) {
                    ParamState s = stateOf(p);
                    s.setStep(step.longValue());
                    for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
                        if (e.getKey().startsWith(prefix) && e.getKey().indexOf('.', prefix.length()) < 0) {
                            s.put(e.getKey().substring(prefix.length()), e.getValue());
                        }
                    }
                }
                index++;
            }
        }
        loadExtraState(dict);
    }

    /** Frees the optimizer's state tensors (not the parameters); waits for a step running on another thread. */
    @Override
    public synchronized void close() {
        closed = true;
        state.values().forEach(ParamState::close);
        state.clear();
    }
}
