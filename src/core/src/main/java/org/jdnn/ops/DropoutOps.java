package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * Dropout as one op: in training {@code out = input * mask} with the mask of the params' seed ({@link DropoutMask},
 * bit-identical on every backend), in inference a copy of the input. Being linear with a mask fixed by the seed, it
 * is its own derivative: the gradient is {@code gradOutput * mask}, the same op on the gradient.
 *
 * <p>Family "binary": it runs on the binary multiply, and the binary kill switch routes it with the rest.
 */
public final class DropoutOps {
    private DropoutOps() {
    }

    public static final Op<DropoutParams> DROPOUT = Op.<DropoutParams>declare("dropout", "input")
            .family("binary")
            .derivative((p, in, out, g, needs, calls) -> new org.jdnn.tensor.Tensor[] {calls.run(DropoutOps.DROPOUT, p, g)})
            .shapes((p, in) -> {
                if (in[0].numel() > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("dropout: " + in[0].numel()
                            + " elements are too many for a Java-generated mask");
                }
                return new Shape[] {in[0]};
            });
}
