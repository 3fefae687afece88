package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** concat (PyTorch's {@code torch.cat}) and its inverse split, which is also its derivative (see {@link ConcatShapes}). */
public final class ConcatOps {
    private ConcatOps() {
    }

    /** The params of {@link #CONCAT}: the axis (negative counts from the end). */
    public record ConcatParams(int axis) {
    }

    /** The params of {@link #SPLIT}: the axis and the parts' sizes along it (which must add up to the input's). */
    public record SplitParams(int axis, long[] sizes) {
        public SplitParams {
            Axes.requireNonNull("split", "sizes", sizes);
            sizes = sizes.clone();
            for (long size : sizes) {
                if (size < 0) {
                    throw new IllegalArgumentException("split: negative size " + size + " in " + Arrays.toString(sizes));
                }
            }
        }

        @Override
        public long[] sizes() {
            return sizes.clone();
        }

        @Override
        public String toString() {
            return "SplitParams[axis=" + axis + ", sizes=" + Arrays.toString(sizes) + "]";
        }
    }

    /** The tensors one after another along the axis. */
    public static final Op<ConcatParams> CONCAT = Op.<ConcatParams>declare("concat", "tensors...")
            .derivative(ConcatOps::gradients)
            .shapes((p, in) -> new Shape[] {ConcatShapes.infer("concat", p.axis(), Arrays.asList(in)).output()});

    /** Consecutive slices of the input along the axis, one output per size. */
    public static final Op<SplitParams> SPLIT = Op.<SplitParams>declare("split", "input")
            .family("concat").outputs("parts...")
            .shapes((p, in) -> {
                int axis = Axes.normalize("split", p.axis(), in[0]);
                List<Shape> parts = new ArrayList<>();
                for (long size : p.sizes()) {
                    long[] dims = in[0].dims();
                    dims[axis] = size;
                    parts.add(Shape.of(dims));
                }
                ConcatShapes.infer("split", axis, parts).checkOutput("split", in[0], "input");
                return parts.toArray(new Shape[0]);
            });

    private static Tensor[] gradients(ConcatParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        int axis = Axes.normalize("concat", p.axis(), g.shape());
        long[] sizes = new long[in.length];
        for (int i = 0; i < in.length; i++) {
            sizes[i] = in[i].size(axis);
        }
        Tensor[] parts = calls.runAll(SPLIT, new SplitParams(p.axis(), sizes), g);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Conv2dOps.kept(parts[i], needs[i]);
        }
        return parts;
    }
}
