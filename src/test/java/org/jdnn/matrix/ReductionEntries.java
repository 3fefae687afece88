package org.jdnn.matrix;

import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionOps.SumToShapeParams;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the reductions: sum_to_shape. Bound {@code 1e-5 |ref| + 1e-5 sqrt(K)}, K the number of
 * elements summed into each output element, as the broadcasting parity suite.
 */
final class ReductionEntries {
    private ReductionEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(OpInfo.of(ReductionOps.SUM_TO_SHAPE).tolerance(1e-5, 1e-5)
                .samples(ReductionEntries::sumToShape)
                .reductions((p, in) -> new long[] {in[0].numel() / Math.max(1, p.shape().numel())}, null)
                // Nothing to sum (target = grad's shape up to leading 1s) or nothing to write: a copy or a fill.
                .primitiveOptional((p, in) -> p.shape().numel() == 0 || in[0].numel() == 0
                        || in[0].numel() == p.shape().numel())
                .build());
    }

    /**
     * Random grad shapes of rank 0..5 summed to random broadcast targets (rank 0 included), the identity, empty
     * grads (to empty and to non-empty targets: a sum over nothing is 0), NaN/+Inf/-Inf, and refused targets.
     */
    private static List<Sample<SumToShapeParams>> sumToShape(SplittableRandom r) {
        List<Sample<SumToShapeParams>> samples = new ArrayList<>();
        for (int rank = 0; rank <= 5; rank++) {
            for (int i = 0; i < 3; i++) {
                long[] from = Samples.shape(r, rank, 6, 600);
                long[] to = i == 0 ? from : Samples.broadcastTarget(r, from);
                samples.add(sample("rank " + rank, randn(r, from), to));
            }
        }
        samples.add(sample("scalar to rank 0", randn(r), new long[0]));
        samples.add(sample("all of 2048 summed into one", randn(r, 2, 32, 32), new long[] {1, 1, 1}));
        samples.add(sample("leading 1s dropped", randn(r, 1, 1, 3, 4), new long[] {3, 4}));
        samples.add(sample("empty dim kept", randn(r, 3, 0, 2), new long[] {0, 2}));
        samples.add(sample("empty dim summed away (zeros)", randn(r, 3, 0, 2), new long[] {3, 1, 2}));
        samples.add(sample("empty to scalar (zero)", randn(r, 0), new long[0]));
        samples.add(sample("empty rank 5", randn(r, 2, 1, 0, 3, 1), new long[] {1, 0, 1, 1}));
        for (int i = 0; i < 3; i++) {
            long[] from = Samples.shape(r, 1 + r.nextInt(5), 6, 400);
            long[] to = Samples.broadcastTarget(r, from);
            samples.add(sample("NaN/+Inf/-Inf, rank " + from.length, Samples.withSpecials(r, randn(r, from)), to));
        }
        samples.add(sample("+Inf alone in its sum", Samples.withSpecial(r, randn(r, 4, 5), Float.POSITIVE_INFINITY),
                new long[] {1, 5}));
        samples.add(sample("-Inf alone in its sum", Samples.withSpecial(r, randn(r, 4, 5), Float.NEGATIVE_INFINITY),
                new long[] {4, 1}));
        samples.add(Sample.rejected("[2, 3] to [4]: does not broadcast", "does not broadcast",
                new SumToShapeParams(Shape.of(4)), randn(r, 2, 3)));
        samples.add(Sample.rejected("[3] to [2, 3]: more dimensions", "more dimensions",
                new SumToShapeParams(Shape.of(2, 3)), randn(r, 3)));
        samples.add(Sample.rejected("[2, 0] to [2, 2]: empty does not broadcast to 2", "does not broadcast",
                new SumToShapeParams(Shape.of(2, 2)), randn(r, 2, 0)));
        return samples;
    }

    private static Sample<SumToShapeParams> sample(String name, Sample.Operand grad, long[] to) {
        return Sample.of(name + ": " + grad.shape() + " to " + Shape.of(to), new SumToShapeParams(Shape.of(to)), grad);
    }
}
