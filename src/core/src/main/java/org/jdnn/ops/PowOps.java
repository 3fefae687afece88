package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * {@code a ^ b} element-wise with broadcasting (PyTorch's {@code torch.pow(Tensor, Tensor)}; a scalar base or exponent
 * is a rank-0 operand), with PyTorch's derivatives: {@code d/da = b a^(b-1)}, 0 wherever b = 0; {@code d/db = a^b
 * log a}, 0 wherever a = 0 and b >= 0. The power is C's pow: {@code 1^b} and {@code a^0} are 1 even for NaN. A tensor
 * raised to a float runs as the eltwise POW instead ({@link EltwiseAlgorithm#POW}).
 */
public final class PowOps {
    private PowOps() {
    }

    /**
     * The params of {@link #POW_BACKWARD}: which operand's gradient (0: the base a, 1: the exponent b).
     *
     * @param operand 0 or 1
     */
    public record GradParams(int operand) {
        public GradParams {
            if (operand != 0 && operand != 1) {
                throw new IllegalArgumentException("pow_backward: operand must be 0 (base) or 1 (exponent), got "
                        + operand);
            }
        }
    }

    /** {@code out = a ^ b} with broadcasting. */
    public static final Op<NoParams> POW = Op.<NoParams>declare("pow", "a", "b")
            .derivative(PowOps::gradients)
            .shapes((p, in) -> new Shape[] {BroadcastShapes.broadcast("pow", in[0], in[1])});

    /**
     * The gradient of one operand before it is summed to that operand's shape: {@code gradOutput} (of the broadcast
     * shape) times the partial derivative, or 0 where PyTorch selects 0 (even against a NaN gradient).
     */
    public static final Op<GradParams> POW_BACKWARD = Op.<GradParams>declare("pow_backward", "a", "b", "gradOutput")
            .family("pow").outputs("gradInput")
            .shapes((p, in) -> {
                Shape out = BroadcastShapes.broadcast("pow_backward", in[0], in[1]);
                EltwiseShapes.check("pow_backward", out, in[2], "gradOutput");
                return new Shape[] {out};
            });

    private static Tensor[] gradients(NoParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        Tensor[] grads = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            if (!needs[i]) {
                continue;
            }
            Tensor full = calls.run(POW_BACKWARD, new GradParams(i), in[0], in[1], g);
            if (full.shape().equals(in[i].shape())) {
                grads[i] = full;
            } else {
                try (full) {
                    grads[i] = calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(in[i].shape()),
                            full);
                }
            }
        }
        return grads;
    }
}
