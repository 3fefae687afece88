package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Indexing with int64 indices, as PyTorch's {@code index_select}, {@code gather}, {@code scatter} and
 * {@code scatter_add}, differentiable in the data (never in the indices), with their backward ops. Every index is
 * checked by the kernel that reads it, on every backend: one outside {@code [0, size)} raises an
 * IllegalArgumentException naming the op and the index value (PyTorch takes no negative indices here either).
 *
 * <p>With duplicate indices, {@code scatter} keeps the last value written in row-major order of {@code index} (what
 * PyTorch's CPU loop does; PyTorch documents the order as unspecified), and {@code scatter_add} sums them all.
 */
public final class IndexOps {
    private IndexOps() {
    }

    /** The params of the forward ops: the dimension indexed (negative counts from the end). */
    public record DimParams(int dim) {
    }

    /** The params of the backward ops: the (wrapped) dimension and the shape of the forward's input. */
    public record DimShapeParams(int dim, Shape inputShape) {
        public DimShapeParams {
            Axes.requireNonNull("index backward", "inputShape", inputShape);
        }
    }

    /**
     * The params of {@link #SCATTER_BACKWARD}: the (wrapped) dimension, src's shape, whether the forward added
     * ({@code scatter_add}: input's gradient is the output's, so only src's is computed) and which gradients to compute.
     */
    public record ScatterBackwardParams(int dim, Shape srcShape, boolean add, boolean inputGradient,
                                        boolean srcGradient) {
        public ScatterBackwardParams {
            Axes.requireNonNull("scatter backward", "srcShape", srcShape);
        }
    }

    /**
     * {@code out = input} with dimension {@code dim} replaced by the rows {@code index} names (index: int64, rank 0
     * or 1; {@code torch.index_select}). Its gradient adds each output row back into the row it came from.
     */
    public static final Op<DimParams> INDEX_SELECT = Op.<DimParams>declare("index_select", "input", "index")
            .family("indexing")
            .dtypes((p, in) -> {
                IndexShapes.requireIndex("index_select", "index", in[1]);
                return new DType[] {in[0]};
            })
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(IndexOps.INDEX_SELECT_BACKWARD,
                    new DimShapeParams(IndexShapes.dim("index_select", p.dim(), in[0].shape()), in[0].shape()), g,
                    in[1]), null})
            .shapes((p, in) -> new Shape[] {indexSelectShape("index_select", p.dim(), in[0], in[1])});

    /** {@code out = zeros(inputShape)} with each row of {@code grad} added at the row {@code index} names. */
    public static final Op<DimShapeParams> INDEX_SELECT_BACKWARD = Op.<DimShapeParams>declare("index_select_backward",
                    "grad", "index")
            .family("indexing").outputs("gradInput")
            .dtypes((p, in) -> {
                IndexShapes.requireDType("index_select_backward", "grad", in[0], IndexShapes.NUMBERS);
                IndexShapes.requireIndex("index_select_backward", "index", in[1]);
                return new DType[] {in[0]};
            })
            .shapes((p, in) -> {
                Shape expected = indexSelectShape("index_select_backward", p.dim(), p.inputShape(), in[1]);
                if (!expected.equals(in[0])) {
                    throw new IllegalArgumentException("index_select_backward: grad shape " + in[0] + " != expected "
                            + expected);
                }
                return new Shape[] {p.inputShape()};
            });

    /**
     * {@code out[i][j][k] = input[index[i][j][k]][j][k]} for dim 0 (and likewise for the others): index is int64 of
     * input's rank, no larger than input in every other dimension; the output has index's shape
     * ({@code torch.gather}). Its gradient adds each output element back where it came from.
     */
    public static final Op<DimParams> GATHER = Op.<DimParams>declare("gather", "input", "index")
            .family("indexing")
            .dtypes((p, in) -> {
                IndexShapes.requireIndex("gather", "index", in[1]);
                return new DType[] {in[0]};
            })
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(IndexOps.GATHER_BACKWARD,
                    new DimShapeParams(IndexShapes.dim("gather", p.dim(), in[0].shape()), in[0].shape()), g, in[1]),
                    null})
            .shapes((p, in) -> {
                checkIndexFits("gather", IndexShapes.dim("gather", p.dim(), in[0]), in[1], "input", in[0], false);
                return new Shape[] {in[1]};
            });

    /**
     * {@code out = zeros(inputShape)}, then {@code out[index[i][j][k]][j][k] += grad[i][j][k]} for dim 0 (and likewise
     * for the others): the backward of gather, and of max/min along a dimension.
     */
    public static final Op<DimShapeParams> GATHER_BACKWARD = Op.<DimShapeParams>declare("gather_backward",
                    "grad", "index")
            .family("indexing").outputs("gradInput")
            .dtypes((p, in) -> {
                IndexShapes.requireDType("gather_backward", "grad", in[0], IndexShapes.NUMBERS);
                IndexShapes.requireIndex("gather_backward", "index", in[1]);
                return new DType[] {in[0]};
            })
            .shapes((p, in) -> {
                int dim = IndexShapes.dim("gather_backward", p.dim(), p.inputShape());
                checkIndexFits("gather_backward", dim, in[1], "input", p.inputShape(), false);
                if (!in[0].equals(in[1])) {
                    throw new IllegalArgumentException("gather_backward: grad shape " + in[0] + " != index shape "
                            + in[1]);
                }
                return new Shape[] {p.inputShape()};
            });

    /**
     * {@code out = input}, then {@code out[index[i][j][k]][j][k] = src[i][j][k]} for dim 0 (and likewise for the
     * others; {@code torch.scatter}): index, input and src have one rank, index is no larger than src in any
     * dimension nor than input in any but {@code dim}. Differentiable in input (zero where written) and src (the
     * output's gradient gathered back; zero where src was not read).
     */
    public static final Op<DimParams> SCATTER = scatter("scatter", false);

    /** As {@link #SCATTER}, but adding: {@code out[index[i][j][k]][j][k] += src[i][j][k]} ({@code torch.scatter_add}). */
    public static final Op<DimParams> SCATTER_ADD = scatter("scatter_add", true);

    /**
     * The gradients of scatter and scatter_add: for input (scatter only: grad with the written positions zeroed;
     * scatter_add's is grad itself) and for src (grad gathered at index, zero outside index's extent).
     */
    public static final Op<ScatterBackwardParams> SCATTER_BACKWARD = Op.<ScatterBackwardParams>declare(
                    "scatter_backward", "grad", "index")
            .family("indexing").outputs("gradInput", "gradSrc")
            .dtypes((p, in) -> {
                IndexShapes.requireDType("scatter_backward", "grad", in[0], IndexShapes.NUMBERS);
                IndexShapes.requireIndex("scatter_backward", "index", in[1]);
                return new DType[] {in[0], in[0]};
            })
            .shapes((p, in) -> {
                int dim = IndexShapes.dim("scatter_backward", p.dim(), in[0]);
                checkIndexFits("scatter_backward", dim, in[1], "grad", in[0], false);
                checkIndexFits("scatter_backward", dim, in[1], "src", p.srcShape(), true);
                return new Shape[] {p.inputGradient() && !p.add() ? in[0] : null,
                        p.srcGradient() ? p.srcShape() : null};
            });

    private static Op<DimParams> scatter(String name, boolean add) {
        return Op.<DimParams>declare(name, "input", "index", "src")
                .family("indexing")
                .dtypes((p, in) -> {
                    if (add) {
                        IndexShapes.requireDType(name, "input", in[0], IndexShapes.NUMBERS);
                    }
                    IndexShapes.requireIndex(name, "index", in[1]);
                    IndexShapes.requireSame(name, "input", in[0], "src", in[2]);
                    return new DType[] {in[0]};
                })
                .derivative((p, in, out, g, needs, calls) -> {
                    int dim = IndexShapes.dim(name, p.dim(), in[0].shape());
                    if (add && !needs[2]) {
                        return new Tensor[] {g, null, null};
                    }
                    Tensor[] grads = calls.runAll(SCATTER_BACKWARD, new ScatterBackwardParams(dim, in[2].shape(), add,
                            needs[0], needs[2]), g, in[1]);
                    return new Tensor[] {add && needs[0] ? g : grads[0], null, grads[1]};
                })
                .shapes((p, in) -> {
                    int dim = IndexShapes.dim(name, p.dim(), in[0]);
                    checkIndexFits(name, dim, in[1], "input", in[0], false);
                    checkIndexFits(name, dim, in[1], "src", in[2], true);
                    return new Shape[] {in[0]};
                });
    }

    /** index_select's output shape: input's, with {@code dim} replaced by the number of indices. */
    static Shape indexSelectShape(String op, int dimArg, Shape input, Shape index) {
        int dim = IndexShapes.dim(op, dimArg, input);
        if (index.rank() > 1) {
            throw new IllegalArgumentException(op + ": index must have rank 0 or 1, got shape " + index);
        }
        if (input.rank() == 0) {
            if (index.numel() != 1) {
                throw new IllegalArgumentException(op + ": a rank-0 input takes exactly one index, got shape " + index);
            }
            return input;
        }
        long[] dims = input.dims();
        dims[dim] = index.numel();
        return Shape.of(dims);
    }

    /**
     * Checks that {@code index} has {@code other}'s rank (rank 0 and rank 1 of size 1 count alike, as PyTorch's) and is
     * no larger in any dimension, except {@code dim} unless {@code includingDim}.
     */
    static void checkIndexFits(String op, int dim, Shape index, String name, Shape other, boolean includingDim) {
        int rank = Math.max(index.rank(), 1);
        if (Math.max(other.rank(), 1) != rank) {
            throw new IllegalArgumentException(op + ": index " + index + " and " + name + " " + other
                    + " must have the same number of dimensions");
        }
        for (int d = 0; d < rank; d++) {
            long i = IndexShapes.size(index, d), o = IndexShapes.size(other, d);
            if ((includingDim || d != dim) && i > o) {
                throw new IllegalArgumentException(op + ": index " + index + " is larger than " + name + " " + other
                        + " in dimension " + d);
            }
        }
    }
}
