package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * linear_fused: {@code relu?(input @ weight^T + bias?)} in one call, for inference (no derivative:
 * {@code F.linearRelu} refuses inputs that would need one). On oneDNN the ReLU is the matmul's eltwise post-op; a
 * backend without a kernel for it gets the same numbers from linear and relu ({@code F.linearRelu}).
 */
public final class FusedLinearOps {
    private FusedLinearOps() {
    }

    /** What follows the product: ReLU or nothing (the sum post-op has no use after a fully connected layer here). */
    public record Params(boolean relu) {
    }

    /** {@code out = relu?(input @ weight^T + bias)}; shapes as {@code F.linear}'s. */
    public static final Op<Params> FORWARD = Op.<Params>declare("linear_fused", "input", "weight", "bias?")
            .family("matmul")
            .shapes((p, in) -> new Shape[] {MatmulShapes.infer(in[0], in[1], in[2], MatmulOps.LINEAR).output()});
}
