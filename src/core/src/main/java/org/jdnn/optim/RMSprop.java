package org.jdnn.optim;

import org.jdnn.functional.Functional;
import org.jdnn.ops.RmspropParams;
import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.Map;

/** RMSProp (optionally centered, with momentum) as PyTorch's {@code torch.optim.RMSprop}; see {@link RmspropParams}. */
public final class RMSprop extends Optimizer {
    private RmspropParams defaults;

    public RMSprop(List<Tensor> params, RmspropParams defaults) {
        this(defaults, single(params));
    }

    public RMSprop(RmspropParams defaults, List<ParamGroup> groups) {
        super("rmsprop", groups, defaults.lr(), defaults.weightDecay());
        this.defaults = defaults;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, ParamState state) {
        RmspropParams h = defaults.withLr(group.lr()).withWeightDecay(group.weightDecay());
        Tensor squareAvg = state.buffer("square_avg", 0f);
        Tensor gradAvg = h.centered() ? state.buffer("grad_avg", 0f) : null;
        Tensor momentum = h.momentum() > 0 ? state.buffer("momentum_buffer", 0f) : null;
        Functional.rmspropUpdate(h, param, grad, squareAvg, gradAvg, momentum);
    }

    @Override
    protected Map<String, Double> hyperParameters() {
        return Map.of("alpha", defaults.alpha(), "eps", defaults.eps(), "momentum", defaults.momentum(),
                "centered", defaults.centered() ? 1.0 : 0.0);
    }

    @Override
    protected void loadHyperParameters(Map<String, Double> v) {
        defaults = new RmspropParams(defaults.lr(), v.get("alpha"), v.get("eps"), defaults.weightDecay(),
                v.get("momentum"), v.get("centered") != 0);
    }
}
