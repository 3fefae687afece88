package org.jdnn.optim;

import org.jdnn.functional.Functional;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay
 * (added to the gradient), exactly as PyTorch's {@code torch.optim.SGD}; see {@link SgdParams} for the formulas.
 */
public final class SGD extends Optimizer {
    private SgdParams defaults;

    public SGD(List<Tensor> params, SgdParams defaults) {
        this(defaults, single(params));
    }

    public SGD(SgdParams defaults, List<ParamGroup> groups) {
        super("sgd", groups, defaults.lr(), defaults.weightDecay());
        this.defaults = defaults;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, ParamState state) {
        SgdParams h = defaults.withLr(group.lr()).withWeightDecay(group.weightDecay());
        Tensor buffer = null;
        boolean first = false;
        if (h.momentum() != 0) {
            // PyTorch starts the buffer at the first gradient (no dampening): "first" is "no buffer yet".
            first = !state.has("momentum_buffer");
            buffer = state.buffer("momentum_buffer", 0f);
        }
        Functional.sgdUpdate(h, param, grad, buffer, first);
    }

    @Override
    protected Map<String, Double> hyperParameters() {
        return Map.of("momentum", defaults.momentum(), "dampening", defaults.dampening(),
                "nesterov", defaults.nesterov() ? 1.0 : 0.0, "maximize", defaults.maximize() ? 1.0 : 0.0);
    }

    @Override
    protected void loadHyperParameters(Map<String, Double> v) {
        defaults = new SgdParams(defaults.lr(), v.get("momentum"), v.get("dampening"), v.get("nesterov") != 0,
                defaults.weightDecay(), v.get("maximize") != 0);
    }
}
