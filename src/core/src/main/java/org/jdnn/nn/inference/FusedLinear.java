package org.jdnn.nn.inference;

import org.jdnn.autograd.F;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;

/**
 * A fully connected layer for inference made by {@link Inference#optimize}: a copy of a Linear's weight and bias, with
 * the ReLU after it (when there was one) in the same call ({@code F.linearRelu}).
 */
public final class FusedLinear extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final boolean relu;

    /** Takes ownership of {@code weight} and {@code bias} (null: none), untracked tensors made for it. */
    FusedLinear(Tensor weight, Tensor bias, boolean relu) {
        this.weight = registerBuffer("weight", () -> weight);
        this.bias = bias == null ? null : registerBuffer("bias", () -> bias);
        this.relu = relu;
    }

    @Override
    public Tensor forward(Tensor input) {
        return relu ? F.linearRelu(input, weight, bias) : F.linear(input, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    /** Whether a ReLU follows in the same call. */
    public boolean relu() {
        return relu;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + weight.size(1) + ", out_features=" + weight.size(0) + ", bias=" + (bias != null)
                + (relu ? ", relu=fused" : "");
    }
}
