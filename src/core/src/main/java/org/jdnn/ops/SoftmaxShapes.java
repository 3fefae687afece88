package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of softmax: every tensor has the input's shape, viewed as (outer, axis, inner) around the
 * softmax axis.
 */
public record SoftmaxShapes(int axis, long outer, long axisSize, long inner) {

    /** Validates the axis against {@code src} (rank >= 1) and splits the shape around it. */
    public static SoftmaxShapes infer(String op, SoftmaxParams params, Shape src) {
        int axis = Axes.normalize(op, params.axis(), src);
        return new SoftmaxShapes(axis, Axes.outerSize(src, axis), src.dim(axis), Axes.innerSize(src, axis));
    }
}
