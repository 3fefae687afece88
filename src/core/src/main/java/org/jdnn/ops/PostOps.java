package org.jdnn.ops;

/**
 * What a fused convolution does to its result before writing it, in this order (oneDNN's post-ops): {@code sum} adds
 * the call's {@code residual} operand (oneDNN's sum post-op, a ResNet block's shortcut), then {@code relu} clamps at
 * zero (an eltwise post-op). Folding batch norm needs no post-op: it is already in the weights and bias
 * ({@code org.jdnn.nn.inference.Inference}).
 */
public record PostOps(boolean sum, boolean relu) {
    /** Nothing after the convolution. */
    public static final PostOps NONE = new PostOps(false, false);
    /** ReLU of the convolution's result. */
    public static final PostOps RELU = new PostOps(false, true);
    /** The residual added, then ReLU: the end of a ResNet basic block. */
    public static final PostOps SUM_RELU = new PostOps(true, true);

    @Override
    public String toString() {
        return sum ? relu ? "sum+relu" : "sum" : relu ? "relu" : "none";
    }
}
