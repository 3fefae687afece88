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
}
