package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * conv2d_fused: a convolution with its {@link PostOps}, {@code relu?(conv2d(input, weight) + bias + residual?)}, for
 * inference (no derivative: {@code F.conv2dFused} refuses inputs that would need one). One kernel call instead of up
 * to three, and on oneDNN one pass over the output instead of three. A backend without a kernel for it gets the
 * same numbers from conv2d, add and relu ({@code F.conv2dFused}).
 */
public final class FusedConv2dOps {
    private FusedConv2dOps() {
    }

    /** The convolution's parameters and what follows it; a residual operand is given exactly when {@code sum}. */
    public record Params(Conv2dParams conv, PostOps postOps) {
        public Params {
            Axes.requireNonNull("conv2d_fused", "conv", conv);
            Axes.requireNonNull("conv2d_fused", "postOps", postOps);
        }
    }

    /** {@code out = relu?(conv2d(input, weight) + bias? + residual?)}. */
    public static final Op<Params> FORWARD = Op.<Params>declare("conv2d_fused", "input", "weight", "bias?",
                    "residual?")
            .family("conv2d")
            .shapes((p, in) -> {
                Shape out = Conv2dShapes.infer(in[0], in[1], in[2], p.conv()).output();
                if (p.postOps().sum() != (in[3] != null)) {
                    throw new IllegalArgumentException("conv2d_fused: post-ops " + p.postOps() + " "
                            + (p.postOps().sum() ? "need a residual, got none" : "take no residual, got shape " + in[3]));
                }
                if (in[3] != null) {
                    Conv2dShapes.requireShape("conv2d_fused", "residual", in[3], out);
                }
                return new Shape[] {out};
            });
}
