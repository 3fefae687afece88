package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * The index of the maximum or minimum along one dimension, as int64 ({@code torch.argmax/argmin(dim, keepdim)}), and
 * the maximum or minimum with its index ({@code torch.max/min(dim, keepdim)}). As PyTorch: the first index among ties,
 * and NaN counts as larger (for max) and smaller (for min) than every number, so the first NaN of a slice wins. A
 * rank-0 input takes dim 0 or -1 and gives index 0. Inputs: float32, float64 or int64.
 */
public final class ArgReductionOps {
    private ArgReductionOps() {
    }

    /** The params: the dimension (negative counts from the end) and whether it stays as size 1. */
    public record DimParams(int dim, boolean keepDim) {
    }

    /** int64 indices of the first maximum along the dimension. Not differentiable. */
    public static final Op<DimParams> ARGMAX = Op.<DimParams>declare("argmax", "input")
            .family("arg_reduction").outputs("indices")
            .dtypes((p, in) -> indexDTypes("argmax", in))
            .shapes((p, in) -> new Shape[] {reducedShape("argmax", p, in[0])});

    /** int64 indices of the first minimum along the dimension. Not differentiable. */
    public static final Op<DimParams> ARGMIN = Op.<DimParams>declare("argmin", "input")
            .family("arg_reduction").outputs("indices")
            .dtypes((p, in) -> indexDTypes("argmin", in))
            .shapes((p, in) -> new Shape[] {reducedShape("argmin", p, in[0])});

    /**
     * The maximum along the dimension and its (first) index; differentiable in the values: the gradient goes to the
     * index position, as PyTorch's. A third output, a copy of the indices, is saved for the derivative (owned by the
     * graph node), so closing the indices a caller sees never breaks backward.
     */
    public static final Op<DimParams> MAX_DIM = Op.<DimParams>declare("max_dim", "input")
            .family("arg_reduction").outputs("values", "indices", "savedIndices").visibleOutputs(2)
            .dtypes((p, in) -> valueDTypes("max", in))
            .derivative(ArgReductionOps::gradient)
            .shapes((p, in) -> {
                Shape out = reducedShape("max", p, in[0]);
                return new Shape[] {out, out, out};
            });

    /** The minimum along the dimension and its (first) index; differentiable in the values. */
    public static final Op<DimParams> MIN_DIM = Op.<DimParams>declare("min_dim", "input")
            .family("arg_reduction").outputs("values", "indices", "savedIndices").visibleOutputs(2)
            .dtypes((p, in) -> valueDTypes("min", in))
            .derivative(ArgReductionOps::gradient)
            .shapes((p, in) -> {
                Shape out = reducedShape("min", p, in[0]);
                return new Shape[] {out, out, out};
            });

    private static DType[] indexDTypes(String op, DType[] in) {
        IndexShapes.requireDType(op, "input", in[0], IndexShapes.NUMBERS);
        return new DType[] {DType.INT64};
    }

    private static DType[] valueDTypes(String op, DType[] in) {
        IndexShapes.requireDType(op, "input", in[0], IndexShapes.NUMBERS);
        return new DType[] {in[0], DType.INT64, DType.INT64};
    }

    static Shape reducedShape(String op, DimParams p, Shape input) {
        int dim = IndexShapes.dim(op, p.dim(), input);
        if (IndexShapes.size(input, dim) == 0) {
            throw new IllegalArgumentException(op + ": expected reduction dim " + p.dim() + " to have non-zero size"
                    + " (shape " + input + ")");
        }
        return IndexShapes.reduced(input, dim, p.keepDim());
    }

    /** The values' gradient sent to the index positions: zeros of the input's shape, g added at the indices. */
    private static Tensor[] gradient(DimParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                     OpCalls calls) {
        Shape input = in[0].shape();
        int dim = IndexShapes.dim("max", p.dim(), input);
        Shape kept = IndexShapes.reduced(input, dim, true);
        IndexOps.DimShapeParams params = new IndexOps.DimShapeParams(dim, input);
        if (p.keepDim() || input.rank() == 0) {
            return new Tensor[] {calls.run(IndexOps.GATHER_BACKWARD, params, g, out[2])};
        }
        try (Tensor gKept = g.reshape(kept.dims()); Tensor indicesKept = out[2].reshape(kept.dims())) {
            return new Tensor[] {calls.run(IndexOps.GATHER_BACKWARD, params, gKept, indicesKept)};
        }
    }
}
