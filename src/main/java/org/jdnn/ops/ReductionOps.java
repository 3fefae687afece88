package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/** Reductions over axes, and the backward of broadcasting. */
public final class ReductionOps {
    private ReductionOps() {
    }

    /** The params of {@link #SUM_TO_SHAPE}: the shape to sum down to. */
    public record SumToShapeParams(Shape shape) {
        public SumToShapeParams {
            Axes.requireNonNull("sum_to_shape", "shape", shape);
        }
    }

    /**
     * {@code grad} summed over the dimensions {@code shape} broadcasts along (which must broadcast to grad's shape):
     * the backward of broadcasting. Its own derivative broadcasts back (expand).
     */
    public static final Op<SumToShapeParams> SUM_TO_SHAPE = Op.<SumToShapeParams>declare("sum_to_shape", "grad")
            .family("reduction")
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {
                    calls.run(ViewOps.EXPAND, new ViewOps.ExpandParams(in[0].dims()), g)})
            .shapes((p, in) -> {
                BroadcastShapes.checkReducible("sum_to_shape", in[0], p.shape());
                return new Shape[] {p.shape()};
            });

    /** {@code out = reduce(input)} over the params' axes (see {@link ReductionShapes}). */
    public static final Op<ReductionParams> REDUCE = Op.<ReductionParams>declare("reduction", "input")
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(ReductionOps.REDUCE_BACKWARD, p, in[0], out[0], g)})
            .shapes((p, in) -> new Shape[] {ReductionShapes.infer(p, in[0]).output()});

    /**
     * The gradient of a reduction with respect to its input: sum broadcasts {@code gradOutput}, mean also divides
     * by the count, max sends it to the first maximal element of each slice of {@code input} ({@code output} is the
     * forward result).
     */
    public static final Op<ReductionParams> REDUCE_BACKWARD = Op.<ReductionParams>declare("reduction_backward",
                    "input", "output", "gradOutput")
            .family("reduction").outputs("gradInput")
            .shapes((p, in) -> {
                String op = p.opName() + " backward";
                ReductionShapes s = ReductionShapes.infer(p, in[0]);
                s.checkOutput(op, in[1], "output");
                s.checkOutput(op, in[2], "gradOutput");
                return new Shape[] {in[0]};
            });

    /** The params of {@link #ARGMAX}: the axis (negative counts from the end) and whether it stays as size 1. */
    public record ArgmaxParams(int axis, boolean keepDim) {
    }

    /**
     * The index of the maximum along one axis, as PyTorch's {@code argmax(dim, keepdim)}: the first one on ties,
     * and a NaN counts as larger than every number (the first NaN wins). Indices are float32 values, exact below
     * 2^24. Not differentiable.
     */
    public static final Op<ArgmaxParams> ARGMAX = Op.<ArgmaxParams>declare("argmax", "input")
            .family("reduction").outputs("indices")
            .shapes((p, in) -> {
                int axis = Axes.normalize("argmax", p.axis(), in[0]);
                if (in[0].dim(axis) == 0) {
                    throw new IllegalArgumentException("argmax: cannot take the argmax over zero elements (shape "
                            + in[0] + ", axis " + p.axis() + ")");
                }
                if (in[0].dim(axis) > 1L << 24) {
                    throw new IllegalArgumentException("argmax: axis " + p.axis() + " of shape " + in[0] + " has more than "
                            + "2^24 elements, whose indices float32 cannot hold exactly");
                }
                long[] dims = in[0].dims();
                long[] out = new long[p.keepDim() ? dims.length : dims.length - 1];
                for (int i = 0, j = 0; i < dims.length; i++) {
                    if (i != axis) {
                        out[j++] = dims[i];
                    } else if (p.keepDim()) {
                        out[j++] = 1;
                    }
                }
                return new Shape[] {Shape.of(out)};
            });
}
