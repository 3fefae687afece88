package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Max pooling's indices and their inverse, max unpooling (PyTorch's {@code max_pool2d(..., return_indices=True)} and
 * {@code max_unpool2d}), over NCHW tensors.
 *
 * <p>An index is the flat position {@code ih * W + iw} of a window's maximum within its (n, c) plane of the pooled
 * input, in an int64 tensor, as PyTorch's.
 */
public final class MaxUnpool2dOps {
    private MaxUnpool2dOps() {
    }

    /** Unpooling's params: the output's spatial size. */
    public record Params(long outH, long outW) {
        public Params {
            Resample2d.checkSize("max_unpool2d", "output height", outH);
            Resample2d.checkSize("max_unpool2d", "output width", outW);
        }

        /**
         * PyTorch's default output size for unpooling {@code input} pooled with {@code kernel, stride, padding}:
         * {@code (in - 1) * stride - 2 * padding + kernel} per axis.
         */
        public static Params inverting(Shape input, long kernel, long stride, long padding) {
            Resample2d.checkRank("max_unpool2d", input);
            return new Params((input.dim(2) - 1) * stride - 2 * padding + kernel,
                    (input.dim(3) - 1) * stride - 2 * padding + kernel);
        }
    }

    /**
     * The index of each window's maximum (the element max pooling picks: the first maximum in window order, the first
     * NaN if any). Not differentiable: the pooled values come from {@link Pool2dOps}.
     */
    public static final Op<Pool2dParams> INDICES = Op.<Pool2dParams>declare("maxpool2d_indices", "input")
            .dtypes(DTypeRules.sameFloatTo(DType.INT64))
            .shapes((p, in) -> {
                String op = "maxpool2d_indices";
                if (p.algorithm() != PoolAlgorithm.MAX) {
                    throw new IllegalArgumentException(op + ": indices are for max pooling, not " + p.algorithm());
                }
                Pool2dShapes s;
                try {
                    s = Pool2dShapes.infer(p, in[0]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
                }
                return new Shape[] {s.output()};
            });

    /**
     * {@code out[n, c]} zero except {@code out[n, c].flat[indices[n, c, i]] = input[n, c, i]}; where two indices
     * coincide, the later element (in row-major order) wins, as on PyTorch's CPU. The indices are int64; one outside
     * the output plane is refused.
     */
    public static final Op<Params> UNPOOL = Op.<Params>declare("max_unpool2d", "input", "indices")
            .dtypes(MaxUnpool2dOps::floatsWithIndices)
            .derivative(MaxUnpool2dOps::gradients)
            .shapes((p, in) -> {
                String op = "max_unpool2d";
                Resample2d.checkRank(op, in[0]);
                if (!in[0].equals(in[1])) {
                    throw new IllegalArgumentException(op + ": indices shape " + in[1] + " != input shape " + in[0]);
                }
                return new Shape[] {Shape.of(in[0].dim(0), in[0].dim(1), p.outH(), p.outW())};
            });

    /** Unpooling's input gradient: {@code gradOutput[n, c].flat[indices[n, c, i]]}, in the indices' shape. */
    public static final Op<Params> UNPOOL_BACKWARD = Op.<Params>declare("max_unpool2d_backward", "gradOutput",
                    "indices")
            .dtypes(MaxUnpool2dOps::floatsWithIndices)
            .family("max_unpool2d")
            .shapes((p, in) -> {
                String op = "max_unpool2d_backward";
                Resample2d.checkRank(op, in[1]);
                Shape expected = Shape.of(in[1].dim(0), in[1].dim(1), p.outH(), p.outW());
                if (!expected.equals(in[0])) {
                    throw new IllegalArgumentException(op + ": gradOutput shape " + in[0] + " != expected " + expected);
                }
                return new Shape[] {in[1]};
            });

    private static Tensor[] gradients(Params p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs, OpCalls calls) {
        // The indices are integers: no gradient (PyTorch's are int64, which cannot require one).
        return new Tensor[] {needs[0] ? calls.run(UNPOOL_BACKWARD, p, g, in[1]) : null, null};
    }

    /** Values of one floating dtype (the outputs' too) with int64 indices. */
    private static DType[] floatsWithIndices(Params params, DType[] in) {
        if (in[0] != DType.FLOAT32 && in[0] != DType.FLOAT64) {
            throw DTypeRules.reject(0, in[0], "expected float32 or float64");
        }
        if (in[1] != DType.INT64) {
            throw DTypeRules.reject(1, in[1], "expected int64");
        }
        return new DType[] {in[0]};
    }
}
