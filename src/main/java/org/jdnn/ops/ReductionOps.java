package org.jdnn.ops;

import org.jdnn.tensor.Shape;

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
     * the backward of broadcasting. Its own derivative would broadcast back; nothing differentiates it twice yet.
     */
    public static final Op<SumToShapeParams> SUM_TO_SHAPE = Op.<SumToShapeParams>declare("sum_to_shape", "grad")
            .family("reduction")
            .shapes((p, in) -> {
                BroadcastShapes.checkReducible("sum_to_shape", in[0], p.shape());
                return new Shape[] {p.shape()};
            });
}
