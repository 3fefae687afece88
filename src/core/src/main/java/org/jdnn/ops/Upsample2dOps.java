package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * 2-d upsampling (resampling to any size) over NCHW input, nearest or bilinear, as PyTorch's
 * {@code F.interpolate(x, size | scale_factor, mode, align_corners)} (see {@link Upsample2dParams}). Source
 * coordinates, per axis, with {@code step = sourceStep}:
 * <ul>
 *   <li>nearest: {@code min(floor(dst * step), in - 1)};</li>
 *   <li>bilinear, align corners: {@code dst * step}; otherwise {@code max((dst + 0.5) * step - 0.5, 0)}; the output
 *       mixes rows {@code i0 = floor(src)} and {@code i0 + 1} (clamped to the last) with weights
 *       {@code 1 - (src - i0)} and {@code src - i0}, columns likewise.</li>
 * </ul>
 * The backward adds each output gradient into the input elements it was read from, with the same weights.
 */
public final class Upsample2dOps {
    private Upsample2dOps() {
    }

    /** The backward's params: the upsampling and the input's shape. */
    public record BackwardParams(Upsample2dParams upsample, Shape input) {
        public BackwardParams {
            Axes.requireNonNull("upsample2d_backward", "upsample", upsample);
            Axes.requireNonNull("upsample2d_backward", "input shape", input);
        }
    }

    public static final Op<Upsample2dParams> FORWARD = Op.<Upsample2dParams>declare("upsample2d", "input")
            .derivative(Upsample2dOps::gradients)
            .shapes((p, in) -> new Shape[] {p.output("upsample2d", in[0])});

    public static final Op<BackwardParams> BACKWARD = Op.<BackwardParams>declare("upsample2d_backward", "gradOutput")
            .family("upsample2d")
            .shapes((p, in) -> {
                String op = "upsample2d_backward";
                Shape expected = p.upsample().output(op, p.input());
                if (!expected.equals(in[0])) {
                    throw new IllegalArgumentException(op + ": gradOutput shape " + in[0] + " != expected " + expected);
                }
                return new Shape[] {p.input()};
            });

    private static Tensor[] gradients(Upsample2dParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        return new Tensor[] {needs[0] ? calls.run(BACKWARD, new BackwardParams(p, in[0].shape()), g) : null};
    }
}
