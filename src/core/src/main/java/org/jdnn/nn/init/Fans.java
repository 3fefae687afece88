package org.jdnn.nn.init;

import org.jdnn.tensor.Shape;

/**
 * A weight's fan-in and fan-out, PyTorch's rule: for a shape (d0, d1, k...) with rank >= 2,
 * {@code fanIn = d1 * prod(k)} and {@code fanOut = d0 * prod(k)}. For a Linear weight (out, in) that is
 * (in, out); for a Conv2d weight (out, in/groups, kH, kW) it is (in/groups * kH * kW, out * kH * kW).
 */
public record Fans(long fanIn, long fanOut) {

    public static Fans of(Shape shape) {
        if (shape.rank() < 2) {
            throw new IllegalArgumentException("init: fan in and fan out need a tensor of rank >= 2, got shape " + shape);
        }
        long receptive = 1;
        for (int i = 2; i < shape.rank(); i++) {
            receptive *= shape.dim(i);
        }
        return new Fans(shape.dim(1) * receptive, shape.dim(0) * receptive);
    }

    /** The fan {@code mode} selects. */
    public long select(FanMode mode) {
        return mode == FanMode.FAN_OUT ? fanOut : fanIn;
    }
}
