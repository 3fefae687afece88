package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * The shape ops that move elements: permute (transpose and t are permutes), expand, and the strided slice (narrow,
 * select, split and chunk are slices) with its backward. jdnn tensors are dense and row-major with no strides, so each
 * of these writes a dense copy; the ops that only relabel the shape (view, reshape, squeeze, unsqueeze, flatten,
 * contiguous) share the storage and are not ops of the table ({@link Tensor#reshape}).
 */
public final class ViewOps {
    private ViewOps() {
    }

    /** The params of {@link #PERMUTE}: output dimension i is input dimension {@code dims[i]} (negative counts from the end). */
    public record PermuteParams(int[] dims) {
        public PermuteParams {
            Axes.requireNonNull("permute", "dims", dims);
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PermuteParams p && Arrays.equals(dims, p.dims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "PermuteParams[dims=" + Arrays.toString(dims) + "]";
        }
    }

    /**
     * The params of {@link #EXPAND}: the sizes, aligned with the input's dimensions from the end; -1 keeps the input's
     * size, a size-1 dimension may grow to any size (0 included), and new leading dimensions may be added.
     */
    public record ExpandParams(long[] sizes) {
        public ExpandParams {
            Axes.requireNonNull("expand", "sizes", sizes);
            sizes = sizes.clone();
        }

        @Override
        public long[] sizes() {
            return sizes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ExpandParams p && Arrays.equals(sizes, p.sizes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sizes);
        }

        @Override
        public String toString() {
            return "ExpandParams[sizes=" + Arrays.toString(sizes) + "]";
        }
    }

    /**
     * The params of {@link #SLICE}: Python's {@code x[start:end:step]} along {@code dim}. Negative start and end count
     * from the end, and both are clamped to [0, size] (Long.MAX_VALUE as end means "to the end"); step must be > 0.
     */
    public record SliceParams(int dim, long start, long end, long step) {
        public SliceParams {
            if (step <= 0) {
                throw new IllegalArgumentException("slice: step " + step + " must be > 0");
            }
        }
    }

    /** The params of {@link #SLICE_BACKWARD}: the forward slice and the shape of its input. */
    public record SliceBackwardParams(SliceParams slice, Shape inputShape) {
        public SliceBackwardParams {
            Axes.requireNonNull("slice_backward", "slice", slice);
            Axes.requireNonNull("slice_backward", "inputShape", inputShape);
        }
    }

    /** The input's dimensions reordered: output dimension i is input dimension {@code dims[i]}. */
    public static final Op<PermuteParams> PERMUTE = Op.<PermuteParams>declare("permute", "input")
            .dtypes(DTypeRules.same(DTypeRules.SUPPORTED)) // copies: any dtype
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {
                    calls.run(ViewOps.PERMUTE, new PermuteParams(inverse(normalizedPermutation(p, in[0].shape()))), g)})
            .shapes((p, in) -> {
                int[] perm = normalizedPermutation(p, in[0]);
                long[] dims = new long[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    dims[i] = in[0].dim(perm[i]);
                }
                return new Shape[] {Shape.of(dims)};
            });

    /** The input repeated along its size-1 (and new leading) dimensions; the gradient sums back. */
    public static final Op<ExpandParams> EXPAND = Op.<ExpandParams>declare("expand", "input")
            .dtypes(DTypeRules.same(DTypeRules.SUPPORTED)) // copies: any dtype
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {
                    calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(in[0].shape()), g)})
            .shapes((p, in) -> new Shape[] {expandedShape(p, in[0])});

    /** Every {@code step}-th index of [start, end) along {@code dim}; the gradient goes back to those positions. */
    public static final Op<SliceParams> SLICE = Op.<SliceParams>declare("slice", "input")
            .dtypes(DTypeRules.same(DTypeRules.SUPPORTED)) // copies: any dtype
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {
                    calls.run(ViewOps.SLICE_BACKWARD, new SliceBackwardParams(p, in[0].shape()), g)})
            .shapes((p, in) -> new Shape[] {SliceShapes.infer("slice", p, in[0]).output()});

    /**
     * Zeros of the forward input's shape with {@code gradOutput} written at the positions the slice read: the slice's
     * derivative. Its own derivative is the slice.
     */
    public static final Op<SliceBackwardParams> SLICE_BACKWARD = Op.<SliceBackwardParams>declare("slice_backward",
                    "gradOutput")
            .family("slice").outputs("gradInput")
            .dtypes(DTypeRules.same(DTypeRules.SUPPORTED))
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(ViewOps.SLICE, p.slice(), g)})
            .shapes((p, in) -> {
                SliceShapes s = SliceShapes.infer("slice_backward", p.slice(), p.inputShape());
                if (!s.output().equals(in[0])) {
                    throw new IllegalArgumentException("slice_backward: gradOutput shape " + in[0] + " != the slice's "
                            + "output shape " + s.output() + " (input " + p.inputShape() + ")");
                }
                return new Shape[] {p.inputShape()};
            });

    /** The permutation in [0, rank), validated: one entry per dimension, each once. */
    public static int[] normalizedPermutation(PermuteParams p, Shape input) {
        int[] dims = p.dims();
        if (dims.length != input.rank()) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims " + Arrays.toString(dims)
                    + " given for shape " + input + " of rank " + input.rank());
        }
        int[] perm = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            perm[i] = Axes.normalize("permute", dims[i], input);
            if (seen[perm[i]]) {
                throw new IllegalArgumentException("permute: dim " + dims[i] + " is repeated in "
                        + Arrays.toString(dims));
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    /** The inverse permutation. */
    public static int[] inverse(int[] perm) {
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
        return inverse;
    }

    /** The shape {@code input} expands to (PyTorch's rules), validated. */
    public static Shape expandedShape(ExpandParams p, Shape input) {
        long[] sizes = p.sizes();
        int rank = input.rank();
        if (sizes.length < rank) {
            throw new IllegalArgumentException("expand: " + sizes.length + " sizes " + Arrays.toString(sizes)
                    + " for shape " + input + " of rank " + rank + " (the number of sizes must be >= the rank)");
        }
        int lead = sizes.length - rank;
        long[] out = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            long size = sizes[i];
            if (i < lead) {
                if (size < 0) {
                    throw new IllegalArgumentException("expand: size " + size + " at new leading dimension " + i
                            + " of " + Arrays.toString(sizes) + " (-1 is not allowed where the input has no dimension)");
                }
                out[i] = size;
                continue;
            }
            long have = input.dim(i - lead);
            if (size == -1) {
                out[i] = have;
            } else if (size < 0) {
                throw new IllegalArgumentException("expand: bad size " + size + " in " + Arrays.toString(sizes));
            } else if (have == 1 || have == size) {
                out[i] = size;
            } else {
                throw new IllegalArgumentException("expand: size " + size + " at dimension " + i + " of "
                        + Arrays.toString(sizes) + " must match the existing size " + have
                        + " (only size-1 dimensions expand) for shape " + input);
            }
        }
        return Shape.of(out);
    }
}
