package org.jdnn.matrix;

import org.jdnn.ops.ViewOps;
import org.jdnn.ops.ViewOps.ExpandParams;
import org.jdnn.ops.ViewOps.PermuteParams;
import org.jdnn.ops.ViewOps.SliceBackwardParams;
import org.jdnn.ops.ViewOps.SliceParams;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the copying shape ops: permute, expand, slice and slice_backward. Forward they are copies,
 * exact on every backend (NaN and the infinities copied as they are); expand's gradient is a sum (sum_to_shape), with
 * the sum's tolerance. A oneDNN case may run without a primitive where the copy keeps the element order (one memcpy),
 * where the output is empty, and for slice (bulk copies by design).
 */
final class ViewEntries {
    private ViewEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(ViewOps.PERMUTE).tolerance(0, 0).differentiable().affine()
                        .samples(ViewEntries::permuteSamples)
                        .primitiveOptional((p, in) -> in[0].numel() == 0 || keepsOrder(p, in[0]))
                        .build(),
                OpInfo.of(ViewOps.EXPAND).tolerance(0, 0).gradientTolerance(1e-5, 1e-6).differentiable().affine()
                        .samples(ViewEntries::expandSamples)
                        .reductions((p, in) -> null, (p, in) -> new long[] {expansion(p, in[0])})
                        .primitiveOptional((p, in) -> ViewOps.expandedShape(p, in[0]).numel() == in[0].numel()
                                || ViewOps.expandedShape(p, in[0]).numel() == 0)
                        .build(),
                OpInfo.of(ViewOps.SLICE).tolerance(0, 0).differentiable().affine()
                        .samples(ViewEntries::sliceSamples)
                        .primitiveOptional((p, in) -> true)
                        .build(),
                OpInfo.of(ViewOps.SLICE_BACKWARD).tolerance(0, 0).differentiable().affine()
                        .samples(ViewEntries::sliceBackwardSamples)
                        .primitiveOptional((p, in) -> true)
                        .build());
    }

    /** Whether the permuted dimensions of size > 1 keep their order (the copy is then one memcpy). */
    private static boolean keepsOrder(PermuteParams p, Shape input) {
        int[] perm = ViewOps.normalizedPermutation(p, input);
        int last = -1;
        for (int d : perm) {
            if (input.dim(d) != 1) {
                if (d < last) {
                    return false;
                }
                last = d;
            }
        }
        return true;
    }

    /** How many output elements each input element is copied to (the length of its gradient's sum). */
    private static long expansion(ExpandParams p, Shape input) {
        Shape out = ViewOps.expandedShape(p, input);
        return input.numel() == 0 ? 1 : out.numel() / input.numel();
    }

    // ---- permute ----

    /** A random permutation of rank dims, each given negative half the time. */
    private static int[] permutation(SplittableRandom r, int rank) {
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            dims.add(i);
        }
        java.util.Collections.shuffle(dims, new java.util.Random(r.nextLong()));
        return dims.stream().mapToInt(d -> r.nextBoolean() ? d : d - rank).toArray();
    }

    private static List<Sample<PermuteParams>> permuteSamples(SplittableRandom r) {
        List<Sample<PermuteParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            for (int k = 0; k < (rank < 2 ? 1 : 3); k++) {
                long[] shape = Samples.shape(r, rank, 6, 400);
                int[] perm = permutation(r, rank);
                samples.add(Sample.of("rank " + rank + " " + Arrays.toString(shape) + " dims " + Arrays.toString(perm),
                        new PermuteParams(perm), randn(r, shape)));
            }
        }
        samples.add(Sample.of("matrix [5, 7] dims [1, 0]", new PermuteParams(new int[] {1, 0}), randn(r, 5, 7)));
        samples.add(Sample.of("size-1 dims moved only [1, 4, 1, 3] dims [2, 1, 0, 3]",
                new PermuteParams(new int[] {2, 1, 0, 3}), randn(r, 1, 4, 1, 3)));
        samples.add(Sample.of("identity [2, 3, 4]", new PermuteParams(new int[] {0, 1, 2}), randn(r, 2, 3, 4)));
        samples.add(Sample.of("empty [3, 0, 2] dims [2, 0, 1]", new PermuteParams(new int[] {2, 0, 1}),
                randn(r, 3, 0, 2)));
        samples.add(Sample.of("NaN/+Inf/-Inf copied: [3, 4, 5] dims [2, 0, 1]", new PermuteParams(new int[] {2, 0, 1}),
                Samples.withSpecials(r, randn(r, 3, 4, 5))));
        long[] rank13 = {2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3};
        samples.add(Sample.of("rank 13 (past oneDNN's 12) reversed", new PermuteParams(
                new int[] {12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}), randn(r, rank13)));
        samples.add(Sample.rejected("2 dims for rank 3", "2 dims", new PermuteParams(new int[] {1, 0}),
                randn(r, 2, 3, 4)));
        samples.add(Sample.rejected("repeated dim: [0, -3, 1] of rank 3", "repeated",
                new PermuteParams(new int[] {0, -3, 1}), randn(r, 2, 3, 4)));
        samples.add(Sample.rejected("dim 3 of rank 3", "out of range", new PermuteParams(new int[] {0, 3, 1}),
                randn(r, 2, 3, 4)));
        return samples;
    }

    // ---- expand ----

    private static List<Sample<ExpandParams>> expandSamples(SplittableRandom r) {
        List<Sample<ExpandParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 4; rank++) {
            for (int k = 0; k < 3; k++) {
                long[] shape = Samples.shape(r, rank, 5, 120);
                for (int d = 0; d < rank; d++) {
                    if (r.nextInt(2) == 0) {
                        shape[d] = 1;
                    }
                }
                int lead = rank == 4 ? r.nextInt(2) : r.nextInt(3);
                long[] sizes = new long[lead + rank];
                for (int i = 0; i < lead; i++) {
                    sizes[i] = 1 + r.nextInt(3);
                }
                for (int d = 0; d < rank; d++) {
                    long have = shape[d];
                    sizes[lead + d] = have == 1 ? (r.nextBoolean() ? 1 + r.nextInt(4) : -1)
                            : (r.nextBoolean() ? -1 : have);
                }
                samples.add(Sample.of("rank " + rank + " " + Arrays.toString(shape) + " to " + Arrays.toString(sizes),
                        new ExpandParams(sizes), randn(r, shape)));
            }
        }
        samples.add(Sample.of("scalar to [2, 3]", new ExpandParams(new long[] {2, 3}), randn(r)));
        samples.add(Sample.of("same shape [2, 3]", new ExpandParams(new long[] {2, 3}), randn(r, 2, 3)));
        samples.add(Sample.of("[3, 1] to [2, 3, 0] (a size-1 dim to 0)", new ExpandParams(new long[] {2, 3, 0}),
                randn(r, 3, 1)));
        samples.add(Sample.of("empty [0, 1] to [0, 4]", new ExpandParams(new long[] {-1, 4}), randn(r, 0, 1)));
        samples.add(Sample.of("new leading 0: [2] to [0, 2]", new ExpandParams(new long[] {0, 2}), randn(r, 2)));
        samples.add(Sample.of("NaN/+Inf/-Inf copied: [3, 1, 4] to [2, 3, 5, 4]",
                new ExpandParams(new long[] {2, 3, 5, 4}), Samples.withSpecials(r, randn(r, 3, 1, 4))));
        samples.add(Sample.rejected("fewer sizes than dims: [2, 3] to [3]", "must be >= the rank",
                new ExpandParams(new long[] {3}), randn(r, 2, 3)));
        samples.add(Sample.rejected("non-singleton [2, 3] to [2, 4]", "must match the existing size",
                new ExpandParams(new long[] {2, 4}), randn(r, 2, 3)));
        samples.add(Sample.rejected("-1 in a new leading dim: [3] to [-1, 3]", "-1 is not allowed",
                new ExpandParams(new long[] {-1, 3}), randn(r, 3)));
        samples.add(Sample.rejected("size -2: [1] to [-2]", "bad size -2", new ExpandParams(new long[] {-2}),
                randn(r, 1)));
        return samples;
    }

    // ---- slice ----

    /** Random slices of shapes of rank 1..5, bounds anywhere in [-size - 2, size + 2], steps 1..4. */
    private static List<Sample<SliceParams>> sliceCases(SplittableRandom r, List<Sample.Operand> inputs) {
        List<Sample<SliceParams>> cases = new ArrayList<>();
        for (int rank = 1; rank <= 5; rank++) {
            for (int k = 0; k < 3; k++) {
                long[] shape = Samples.shape(r, rank, 7, 500);
                int dim = r.nextInt(rank);
                long size = shape[dim];
                long start = r.nextLong(-size - 2, size + 3);
                long end = r.nextInt(5) == 0 ? Long.MAX_VALUE : r.nextLong(-size - 2, size + 3);
                long step = 1 + r.nextInt(4);
                SliceParams p = new SliceParams(r.nextBoolean() ? dim : dim - rank, start, end, step);
                cases.add(Sample.of("rank " + rank + " " + Arrays.toString(shape) + " " + describe(p), p));
                inputs.add(randn(r, shape));
            }
        }
        add(cases, inputs, new SliceParams(1, 1, 7, 2), randn(r, 3, 8), "every 2nd of [1, 7) along 1 of [3, 8]");
        add(cases, inputs, new SliceParams(0, 0, Long.MAX_VALUE, 3), randn(r, 10, 2), "[::3] along 0 of [10, 2]");
        add(cases, inputs, new SliceParams(-1, -3, Long.MAX_VALUE, 1), randn(r, 2, 5), "the last 3 of [2, 5]");
        add(cases, inputs, new SliceParams(0, 4, 2, 1), randn(r, 6, 3), "end before start: empty");
        add(cases, inputs, new SliceParams(1, 0, 2, 1), randn(r, 0, 4), "an empty input [0, 4]");
        add(cases, inputs, new SliceParams(2, 1, 4, 2), Samples.withSpecials(r, randn(r, 2, 3, 5)),
                "NaN/+Inf/-Inf copied: [2, 3, 5] [1:4:2] along 2");
        return cases;
    }

    private static void add(List<Sample<SliceParams>> cases, List<Sample.Operand> inputs, SliceParams p,
                            Sample.Operand input, String name) {
        cases.add(Sample.of(name + " " + describe(p), p));
        inputs.add(input);
    }

    private static String describe(SliceParams p) {
        return "dim " + p.dim() + " [" + p.start() + ":" + (p.end() == Long.MAX_VALUE ? "" : p.end()) + ":"
                + p.step() + "]";
    }

    private static List<Sample<SliceParams>> sliceSamples(SplittableRandom r) {
        List<Sample.Operand> inputs = new ArrayList<>();
        List<Sample<SliceParams>> cases = sliceCases(r, inputs);
        List<Sample<SliceParams>> samples = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            samples.add(Sample.of(cases.get(i).description(), cases.get(i).params(), inputs.get(i)));
        }
        samples.add(Sample.rejected("dim 2 of rank 2", "out of range", new SliceParams(2, 0, 1, 1), randn(r, 2, 3)));
        samples.add(Sample.rejected("a scalar", "out of range", new SliceParams(0, 0, 1, 1), randn(r)));
        return samples;
    }

    private static List<Sample<SliceBackwardParams>> sliceBackwardSamples(SplittableRandom r) {
        List<Sample.Operand> inputs = new ArrayList<>();
        List<Sample<SliceParams>> cases = sliceCases(r, inputs);
        List<Sample<SliceBackwardParams>> samples = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            SliceParams p = cases.get(i).params();
            Shape input = inputs.get(i).shape();
            Shape part = ViewOps.SLICE.outputShapes(p, new Shape[] {input})[0];
            Sample.Operand grad = randn(r, part.dims());
            if (inputs.get(i).values().length > 0 && !inputs.get(i).finite()) {
                grad = Samples.withSpecials(r, grad);
            }
            samples.add(Sample.of(cases.get(i).description(), new SliceBackwardParams(p, input), grad));
        }
        samples.add(Sample.rejected("gradOutput [2, 2] for a slice giving [2, 3]", "gradOutput shape",
                new SliceBackwardParams(new SliceParams(1, 0, 3, 1), Shape.of(2, 5)), randn(r, 2, 2)));
        samples.add(Sample.rejected("dim 2 of rank 2", "out of range",
                new SliceBackwardParams(new SliceParams(2, 0, 1, 1), Shape.of(2, 3)), randn(r, 2, 3)));
        return samples;
    }
}
