package org.jdnn.optim;

import org.jdnn.functional.Functional;
import org.jdnn.ops.AdamParams;
import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Adam with bias correction, as PyTorch's {@code torch.optim.Adam}: weight decay is an L2 term added to the
 * gradient (so it is rescaled by the adaptive denominator); {@link AdamW} decouples it. With amsgrad the state has
 * a third buffer, {@code max_exp_avg_sq}. See {@link AdamParams}.
 */
public class Adam extends Optimizer {
    private AdamParams defaults;

    public Adam(List<Tensor> params, AdamParams defaults) {
        this(defaults, single(params));
    }

    public Adam(AdamParams defaults, List<ParamGroup> groups) {
        super(defaults.opName(), groups, defaults.lr(), defaults.weightDecay());
        this.defaults = defaults;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, ParamState state) {
        AdamParams h = defaults.withLr(group.lr()).withWeightDecay(group.weightDecay());
        Tensor expAvg = state.buffer("exp_avg", 0f);
        Tensor expAvgSq = state.buffer("exp_avg_sq", 0f);
        Tensor maxExpAvgSq = h.amsgrad() ? state.buffer("max_exp_avg_sq", 0f) : null;
        Functional.adamUpdate(h, state.step(), param, grad, expAvg, expAvgSq, maxExpAvgSq);
    }

    @Override
    protected Map<String, Double> hyperParameters() {
        return Map.of("beta1", defaults.beta1(), "beta2", defaults.beta2(), "eps", defaults.eps(),
                "decoupled", defaults.decoupled() ? 1.0 : 0.0, "amsgrad", defaults.amsgrad() ? 1.0 : 0.0,
                "maximize", defaults.maximize() ? 1.0 : 0.0);
    }

    @Override
    protected void loadHyperParameters(Map<String, Double> v) {
        if ((v.get("decoupled") != 0) != defaults.decoupled()) {
            throw new IllegalArgumentException(name() + ": state dict is from " + (defaults.decoupled() ? "Adam" : "AdamW"));
        }
        defaults = new AdamParams(defaults.lr(), v.get("beta1"), v.get("beta2"), v.get("eps"), defaults.weightDecay(),
                defaults.decoupled(), v.get("amsgrad") != 0, v.get("maximize") != 0);
    }
}
