package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * conv_transpose2d: the forward op, its two backward passes and its derivative (see {@link ConvTranspose2dShapes}).
 * PyTorch's layout: input (N, C, H, W), weight (C, O/groups, KH, KW), bias (O).
 */
public final class ConvTranspose2dOps {
    private ConvTranspose2dOps() {
    }

    /** The input gradient's params: the transposed convolution and the input's shape. */
    public record DataGradParams(ConvTranspose2dParams conv, Shape input) {
        public DataGradParams {
            Axes.requireNonNull("conv_transpose2d_backward_data", "conv", conv);
            Axes.requireNonNull("conv_transpose2d_backward_data", "input shape", input);
        }
    }

    /** The weight gradient's params: the transposed convolution, the weight's shape, whether a bias gradient is wanted. */
    public record WeightGradParams(ConvTranspose2dParams conv, Shape weight, boolean bias) {
        public WeightGradParams {
            Axes.requireNonNull("conv_transpose2d_backward_weights", "conv", conv);
            Axes.requireNonNull("conv_transpose2d_backward_weights", "weight shape", weight);
        }
    }

    public static final Op<ConvTranspose2dParams> FORWARD = Op.<ConvTranspose2dParams>declare("conv_transpose2d",
                    "input", "weight", "bias?")
            .derivative(ConvTranspose2dOps::gradients)
            .shapes((p, in) -> new Shape[] {ConvTranspose2dShapes.infer(in[0], in[1], in[2], p).output()});

    public static final Op<DataGradParams> BACKWARD_DATA = Op.<DataGradParams>declare(
                    "conv_transpose2d_backward_data", "gradOutput", "weight")
            .family("conv_transpose2d").outputs("gradInput")
            .shapes((p, in) -> {
                ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(p.input(), in[1], null, p.conv());
                Conv2dShapes.requireShape("conv_transpose2d backward data", "gradOutput", in[0], s.output());
                return new Shape[] {p.input()};
            });

    public static final Op<WeightGradParams> BACKWARD_WEIGHTS = Op.<WeightGradParams>declare(
                    "conv_transpose2d_backward_weights", "input", "gradOutput")
            .family("conv_transpose2d").outputs("gradWeight", "gradBias")
            .shapes((p, in) -> {
                Shape bias = p.bias() && p.weight().rank() == 4 ? Shape.of(p.weight().dim(1) * p.conv().conv().groups()) : null;
                ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(in[0], p.weight(), bias, p.conv());
                Conv2dShapes.requireShape("conv_transpose2d backward weights", "gradOutput", in[1], s.output());
                return new Shape[] {p.weight(), bias};
            });

    private static Tensor[] gradients(ConvTranspose2dParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        Tensor x = in[0], weight = in[1], bias = in[2];
        Tensor dx = needs[0] ? calls.run(BACKWARD_DATA, new DataGradParams(p, x.shape()), g, weight) : null;
        Tensor[] dw = needs[1] || (bias != null && needs[2])
                ? calls.runAll(BACKWARD_WEIGHTS, new WeightGradParams(p, weight.shape(), bias != null), x, g)
                : new Tensor[2];
        return new Tensor[] {dx, Conv2dOps.kept(dw[0], needs[1]), Conv2dOps.kept(dw[1], needs[2])};
    }
}
