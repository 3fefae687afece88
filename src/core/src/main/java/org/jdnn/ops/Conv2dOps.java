package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * conv2d: the forward op, its two backward passes and its derivative (see {@link Conv2dShapes} for the shape rule).
 * PyTorch's layout: input (N, C, H, W), weight (O, C/groups, KH, KW), bias (O).
 */
public final class Conv2dOps {
    private Conv2dOps() {
    }

    /** The input gradient's params: the convolution and the input's shape (the stride's rounding loses it). */
    public record DataGradParams(Conv2dParams conv, Shape input) {
        public DataGradParams {
            Axes.requireNonNull("conv2d_backward_data", "conv", conv);
            Axes.requireNonNull("conv2d_backward_data", "input shape", input);
        }
    }

    /** The weight gradient's params: the convolution, the weight's shape and whether a bias gradient is wanted. */
    public record WeightGradParams(Conv2dParams conv, Shape weight, boolean bias) {
        public WeightGradParams {
            Axes.requireNonNull("conv2d_backward_weights", "conv", conv);
            Axes.requireNonNull("conv2d_backward_weights", "weight shape", weight);
        }
    }

    /** {@code out = conv2d(input, weight) + bias}. */
    public static final Op<Conv2dParams> FORWARD = Op.<Conv2dParams>declare("conv2d", "input", "weight", "bias?")
            .derivative(Conv2dOps::gradients)
            .shapes((p, in) -> new Shape[] {Conv2dShapes.infer(in[0], in[1], in[2], p).output()});

    /** The gradient with respect to the input, from the output's gradient and the weight. */
    public static final Op<DataGradParams> BACKWARD_DATA = Op.<DataGradParams>declare("conv2d_backward_data",
                    "gradOutput", "weight")
            .family("conv2d").outputs("gradInput")
            .shapes((p, in) -> {
                Conv2dShapes s = Conv2dShapes.infer(p.input(), in[1], null, p.conv());
                Conv2dShapes.requireShape("conv2d backward data", "gradOutput", in[0], s.output());
                return new Shape[] {p.input()};
            });

    /** The gradients with respect to the weight and (when asked) the bias, from the input and the output's gradient. */
    public static final Op<WeightGradParams> BACKWARD_WEIGHTS = Op.<WeightGradParams>declare("conv2d_backward_weights",
                    "input", "gradOutput")
            .family("conv2d").outputs("gradWeight", "gradBias")
            .shapes((p, in) -> {
                Shape bias = p.bias() && p.weight().rank() == 4 ? Shape.of(p.weight().dim(0)) : null;
                Conv2dShapes s = Conv2dShapes.infer(in[0], p.weight(), bias, p.conv());
                Conv2dShapes.requireShape("conv2d backward weights", "gradOutput", in[1], s.output());
                return new Shape[] {p.weight(), bias};
            });

    private static Tensor[] gradients(Conv2dParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        Tensor x = in[0], weight = in[1], bias = in[2];
        Tensor dx = needs[0] ? calls.run(BACKWARD_DATA, new DataGradParams(p, x.shape()), g, weight) : null;
        Tensor[] dw = needs[1] || (bias != null && needs[2])
                ? calls.runAll(BACKWARD_WEIGHTS, new WeightGradParams(p, weight.shape(), bias != null), x, g)
                : new Tensor[2];
        return new Tensor[] {dx, kept(dw[0], needs[1]), kept(dw[1], needs[2])};
    }

    /** {@code t} when wanted, else null (freeing it). */
    static Tensor kept(Tensor t, boolean wanted) {
        if (t != null && !wanted) {
            t.close();
            return null;
        }
        return t;
    }
}
