package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Adaptive 2-d average pooling over NCHW input (PyTorch's {@code adaptive_avg_pool2d}): the output has the requested
 * size and output row {@code i} averages input rows {@code [floor(i * H / outH), ceil((i + 1) * H / outH))}, columns
 * likewise, so windows may differ in size and overlap. With {@code H % outH == 0} it is plain average pooling with
 * kernel = stride = {@code H / outH}.
 */
public final class AdaptivePool2dOps {
    private AdaptivePool2dOps() {
    }

    /** The output's spatial size (PyTorch's {@code output_size}), each in [1, 2^20]. */
    public record Params(long outH, long outW) {
        public Params {
            Resample2d.checkSize("adaptive_avg_pool2d", "output height", outH);
            Resample2d.checkSize("adaptive_avg_pool2d", "output width", outW);
        }

        /** A square output. */
        public static Params of(long size) {
            return new Params(size, size);
        }
    }

    /** The backward's params: the pooling and the input's shape. */
    public record BackwardParams(Params pool, Shape input) {
        public BackwardParams {
            Axes.requireNonNull("adaptive_avg_pool2d_backward", "pool", pool);
            Axes.requireNonNull("adaptive_avg_pool2d_backward", "input shape", input);
        }
    }

    public static final Op<Params> FORWARD = Op.<Params>declare("adaptive_avg_pool2d", "input")
            .derivative(AdaptivePool2dOps::gradients)
            .shapes((p, in) -> new Shape[] {output("adaptive_avg_pool2d", p, in[0])});

    /** The input's gradient: each output gradient shared equally by its window's elements. */
    public static final Op<BackwardParams> BACKWARD = Op.<BackwardParams>declare("adaptive_avg_pool2d_backward",
                    "gradOutput")
            .family("adaptive_avg_pool2d")
            .shapes((p, in) -> {
                String op = "adaptive_avg_pool2d_backward";
                Shape expected = output(op, p.pool(), p.input());
                if (!expected.equals(in[0])) {
                    throw new IllegalArgumentException(op + ": gradOutput shape " + in[0] + " != expected " + expected);
                }
                return new Shape[] {p.input()};
            });

    /** The output shape (N, C, outH, outW); the input must be rank 4 with a non-empty image. */
    public static Shape output(String op, Params p, Shape input) {
        Resample2d.checkImage(op, input);
        return Shape.of(input.dim(0), input.dim(1), p.outH(), p.outW());
    }

    /** First input index of output {@code i}'s window along an axis: {@code floor(i * in / out)}. */
    public static long start(long i, long in, long out) {
        return Math.floorDiv(i * in, out);
    }

    /** One past the last input index of output {@code i}'s window: {@code ceil((i + 1) * in / out)}. */
    public static long end(long i, long in, long out) {
        return Math.ceilDiv((i + 1) * in, out);
    }

    private static Tensor[] gradients(Params p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs, OpCalls calls) {
        return new Tensor[] {needs[0] ? calls.run(BACKWARD, new BackwardParams(p, in[0].shape()), g) : null};
    }
}
