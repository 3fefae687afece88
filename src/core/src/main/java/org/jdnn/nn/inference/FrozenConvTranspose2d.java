package org.jdnn.nn.inference;

import org.jdnn.autograd.F;
import org.jdnn.nn.Module;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.tensor.Tensor;

/** A copy of a ConvTranspose2d for inference ({@link Inference#optimize}): nothing follows it that could be fused. */
public final class FrozenConvTranspose2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final ConvTranspose2dParams params;

    /** Takes ownership of {@code weight} and {@code bias} (null: none), untracked tensors made for it. */
    FrozenConvTranspose2d(Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        this.weight = registerBuffer("weight", () -> weight);
        this.bias = bias == null ? null : registerBuffer("bias", () -> bias);
        this.params = params;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.convTranspose2d(input, weight, bias, params);
    }
}
