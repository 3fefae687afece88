package org.jdnn.optim;

import org.jdnn.functional.Functional;
import org.jdnn.ops.AdagradParams;
import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.Map;

/** AdaGrad as PyTorch's {@code torch.optim.Adagrad}; see {@link AdagradParams} for the formulas. */
public final class Adagrad extends Optimizer {
    private AdagradParams defaults;

    public Adagrad(List<Tensor> params, AdagradParams defaults) {
        this(defaults, single(params));
    }

    public Adagrad(AdagradParams defaults, List<ParamGroup> groups) {
        super("adagrad", groups, defaults.lr(), defaults.weightDecay());
        this.defaults = defaults;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, ParamState state) {
        AdagradParams h = defaults.withLr(group.lr()).withWeightDecay(group.weightDecay());
        Tensor sum = state.buffer("sum", (float) h.initialAccumulatorValue());
        Functional.adagradUpdate(h, state.step(), param, grad, sum);
    }

    @Override
    protected Map<String, Double> hyperParameters() {
        return Map.of("lr_decay", defaults.lrDecay(), "initial_accumulator_value", defaults.initialAccumulatorValue(),
                "eps", defaults.eps());
    }

    @Override
    protected void loadHyperParameters(Map<String, Double> v) {
        defaults = new AdagradParams(defaults.lr(), v.get("lr_decay"), defaults.weightDecay(),
                v.get("initial_accumulator_value"), v.get("eps"));
    }
}
