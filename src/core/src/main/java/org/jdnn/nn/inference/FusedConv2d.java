package org.jdnn.nn.inference;

import org.jdnn.autograd.F;
import org.jdnn.nn.Module;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.PostOps;
import org.jdnn.tensor.Tensor;

/**
 * A convolution for inference made by {@link Inference#optimize}: a Conv2d with the batch norm after it folded into
 * its weight and bias (when there was one) and the ReLU after it fused as a post-op (when there was one), one
 * {@code conv2d_fused} call. Its weight and bias are its own copies, buffers rather than parameters: nothing here
 * trains.
 */
public final class FusedConv2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final Conv2dParams params;
    private final boolean relu;
    private final boolean foldedBatchNorm;

    /** Takes ownership of {@code weight} and {@code bias} (null: none), untracked tensors made for it. */
    FusedConv2d(Tensor weight, Tensor bias, Conv2dParams params, boolean relu, boolean foldedBatchNorm) {
        this.weight = registerBuffer("weight", () -> weight);
        this.bias = bias == null ? null : registerBuffer("bias", () -> bias);
        this.params = params;
        this.relu = relu;
        this.foldedBatchNorm = foldedBatchNorm;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.conv2dFused(input, weight, bias, null, params, relu ? PostOps.RELU : PostOps.NONE);
    }

    /** {@code relu?(conv(input) + residual)} in one call: the end of a ResNet basic block. */
    public Tensor forward(Tensor input, Tensor residual) {
        return F.conv2dFused(input, weight, bias, residual, params, new PostOps(true, relu));
    }

    /** The (folded) weight, (O, C/groups, KH, KW). */
    public Tensor weight() {
        return weight;
    }

    /** The (folded) bias, or null. */
    public Tensor bias() {
        return bias;
    }

    public Conv2dParams params() {
        return params;
    }

    /** Whether a ReLU follows the convolution in the same call. */
    public boolean relu() {
        return relu;
    }

    @Override
    protected String extraRepr() {
        return weight.size(1) * params.groups() + ", " + weight.size(0) + ", kernel_size=(" + weight.size(2) + ", "
                + weight.size(3) + "), stride=(" + params.strideH() + ", " + params.strideW() + ")"
                + (foldedBatchNorm ? ", batch_norm=folded" : "") + (relu ? ", relu=fused" : "");
    }
}
