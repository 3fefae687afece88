package org.jdnn.optim;

import org.jdnn.ops.AdamParams;
import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's {@code torch.optim.AdamW}: each step
 * first shrinks the weight by {@code 1 - lr * weightDecay}, then applies the plain Adam update.
 */
public final class AdamW extends Adam {
    public AdamW(List<Tensor> params, AdamParams defaults) {
        this(defaults, single(params));
    }

    public AdamW(AdamParams defaults, List<ParamGroup> groups) {
        super(decoupled(defaults), groups);
    }

    private static AdamParams decoupled(AdamParams p) {
        return p.asDecoupled();
    }
}
