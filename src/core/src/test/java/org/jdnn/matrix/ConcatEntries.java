package org.jdnn.matrix;

import org.jdnn.ops.ConcatOps.ConcatParams;
import org.jdnn.ops.ConcatOps.SplitParams;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of concat (differentiable: its derivative is split) and split. Both are copies: exact. A sample
 * whose result is empty may run without a primitive.
 */
final class ConcatEntries {
    private ConcatEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(ConcatOps.CONCAT).tolerance(0, 0).differentiable().affine()
                        .samples(ConcatEntries::concatSamples)
                        .primitiveOptional((p, in) -> output(p.axis(), in).numel() == 0)
                        .build(),
                OpInfo.of(ConcatOps.SPLIT).tolerance(0, 0)
                        .samples(ConcatEntries::splitSamples)
                        .primitiveOptional((p, in) -> in[0].numel() == 0)
                        .build());
    }

    private static Shape output(int axis, Shape[] parts) {
        return ConcatShapes.infer("concat", axis, Arrays.asList(parts)).output();
    }

    /** Parts of one concat: their shapes (equal except along the axis) and the axis as given. */
    record Case(String name, int axis, List<long[]> parts) {
        Sample<ConcatParams> concat(SplittableRandom r) {
            Sample.Operand[] in = parts.stream().map(d -> randn(r, d)).toArray(Sample.Operand[]::new);
            return Sample.of(toString(), new ConcatParams(axis), in);
        }

        Sample<SplitParams> split(SplittableRandom r) {
            long[] whole = output(axis, parts.stream().map(Shape::of).toArray(Shape[]::new)).dims();
            int a = Math.floorMod(axis, whole.length);
            long[] sizes = parts.stream().mapToLong(d -> d[a]).toArray();
            return Sample.of(toString(), new SplitParams(axis, sizes), randn(r, whole));
        }

        @Override
        public String toString() {
            return name + ": " + parts.stream().map(Arrays::toString).toList() + " axis " + axis;
        }
    }

    /**
     * Every axis of ranks 1..5 (given negative half the time) with 1..4 parts, some of size 0 along the axis; the
     * parity suite's random cases (up to 3000 elements a part); an empty other dimension; a single part.
     */
    static List<Case> cases(SplittableRandom r) {
        List<Case> cases = new ArrayList<>();
        for (int rank = 1; rank <= 5; rank++) {
            long[] base = Samples.shape(r, rank, 5, 200);
            for (int axis = 0; axis < rank; axis++) {
                cases.add(random("rank " + rank, r, base, r.nextBoolean() ? axis : axis - rank, 17));
            }
        }
        for (int i = 0; i < 12; i++) {
            int rank = 1 + r.nextInt(4);
            cases.add(random("random " + i, r, Samples.shape(r, rank, 24, 3000), r.nextInt(-rank, rank), 17));
        }
        cases.add(new Case("one part", -1, List.of(new long[] {2, 3})));
        cases.add(new Case("every part empty along the axis", 0, List.of(new long[] {0, 3}, new long[] {0, 3})));
        cases.add(new Case("empty other dimension", 1, List.of(new long[] {0, 2}, new long[] {0, 5})));
        cases.add(new Case("a 0 between parts", 1, List.of(new long[] {2, 1, 3}, new long[] {2, 0, 3},
                new long[] {2, 4, 3})));
        return cases;
    }

    private static Case random(String name, SplittableRandom r, long[] base, int axis, int maxSize) {
        int a = Math.floorMod(axis, base.length);
        int count = 1 + r.nextInt(4);
        List<long[]> parts = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            long[] dims = base.clone();
            dims[a] = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(maxSize);
            parts.add(dims);
        }
        return new Case(name, axis, parts);
    }

    private static List<Sample<ConcatParams>> concatSamples(SplittableRandom r) {
        List<Sample<ConcatParams>> samples = new ArrayList<>();
        for (Case c : cases(r)) {
            samples.add(c.concat(r));
        }
        Sample.Operand[] special = {Samples.withSpecials(r, randn(r, 2, 3, 4)), randn(r, 2, 1, 4),
                Samples.withSpecials(r, randn(r, 2, 2, 4))};
        samples.add(Sample.of("NaN/+Inf/-Inf copied: [2, 3, 4], [2, 1, 4], [2, 2, 4] axis -2", new ConcatParams(-2),
                special));
        samples.add(Sample.rejected("ranks differ: [2, 3], [2] axis 0", "ranks differ", new ConcatParams(0),
                randn(r, 2, 3), randn(r, 2)));
        samples.add(Sample.rejected("sizes differ off the axis: [2, 3], [2, 4] axis 0", "sizes must match",
                new ConcatParams(0), randn(r, 2, 3), randn(r, 2, 4)));
        samples.add(Sample.rejected("axis 2 of rank 2", "out of range", new ConcatParams(2), randn(r, 2, 3),
                randn(r, 2, 3)));
        samples.add(Sample.rejected("axis -3 of rank 2", "out of range", new ConcatParams(-3), randn(r, 2, 3)));
        samples.add(Sample.rejected("scalars", "out of range", new ConcatParams(0), randn(r), randn(r)));
        samples.add(Sample.rejected("no tensors", "at least one", new ConcatParams(0)));
        return samples;
    }

    private static List<Sample<SplitParams>> splitSamples(SplittableRandom r) {
        List<Sample<SplitParams>> samples = new ArrayList<>();
        for (Case c : cases(r)) {
            samples.add(c.split(r));
        }
        samples.add(Sample.of("NaN/+Inf/-Inf copied: [3, 5] into [2, 0, 3] along -1",
                new SplitParams(-1, new long[] {2, 0, 3}), Samples.withSpecials(r, randn(r, 3, 5))));
        samples.add(Sample.of("into one part of size 0 only: [0, 4] along 0", new SplitParams(0, new long[] {0}),
                randn(r, 0, 4)));
        samples.add(Sample.rejected("sizes 1 + 1 of 3", "input shape", new SplitParams(1, new long[] {1, 1}),
                randn(r, 2, 3)));
        samples.add(Sample.rejected("sizes 2 + 2 of 3", "input shape", new SplitParams(1, new long[] {2, 2}),
                randn(r, 2, 3)));
        samples.add(Sample.rejected("axis 2 of rank 2", "out of range", new SplitParams(2, new long[] {2}),
                randn(r, 2, 3)));
        samples.add(Sample.rejected("a scalar", "out of range", new SplitParams(0, new long[] {1}), randn(r)));
        return samples;
    }
}
