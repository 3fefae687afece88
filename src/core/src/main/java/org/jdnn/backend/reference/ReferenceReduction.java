package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.tensor.Shape;



/**
 * Sum, mean and max over axes: each input element is folded, in row-major order, into the output element it
 * reduces to (sums in double). Max keeps the first maximal element of each slice, and its backward sends the
 * whole gradient there: with ties, the earliest element in row-major order wins (PyTorch's max(dim) also
 * picks one index; jdnn guarantees it is the first on every backend).
 */
final class ReferenceReduction {
    private ReferenceReduction() {
    }

    /** Registers reduction and its backward. */
    static void register(KernelTable table) {
        table.put(ReductionOps.REDUCE, (p, in, out) -> forward(p.algorithm(), ReductionShapes.infer(p, in[0].shape()),
                        in[0].shape(), Values.of(in[0]), Values.of(out[0])))
                .put(ReductionOps.REDUCE_BACKWARD, (p, in, out) -> backward(p.algorithm(),
                        ReductionShapes.infer(p, in[0].shape()), in[0].shape(), Values.of(in[0]),
                        Values.of(in[2]), Values.of(out[0])));
    }

    static void forward(ReductionAlgorithm algorithm, ReductionShapes s, Shape srcShape, Values src, Values dst) {
        int size = Math.toIntExact(Shape.of(s.keptDims()).numel());
        BroadcastIndex target = new BroadcastIndex(Shape.of(s.keptDims()), srcShape);
        if (algorithm == ReductionAlgorithm.MAX) {
            long[] argmax = argmax(s, srcShape, src);
            for (int j = 0; j < size; j++) {
                dst.set(j, src.get(argmax[j]));
            }
            return;
        }
        double[] sums = new double[size];
        for (long i = 0, n = srcShape.numel(); i < n; i++) {
            sums[(int) target.of(i)] += src.get(i);
        }
        for (int j = 0; j < size; j++) {
            double value = algorithm == ReductionAlgorithm.MEAN ? sums[j] / s.reductionSize() : sums[j];
            dst.set(j, value);
        }
    }

    static void backward(ReductionAlgorithm algorithm, ReductionShapes s, Shape srcShape, Values src,
                         Values diffDst, Values diffSrc) {
        BroadcastIndex target = new BroadcastIndex(Shape.of(s.keptDims()), srcShape);
        long n = srcShape.numel();
        if (algorithm == ReductionAlgorithm.MAX) {
            diffSrc.zero();
            long[] argmax = argmax(s, srcShape, src);
            for (int j = 0; j < argmax.length; j++) {
                diffSrc.set(argmax[j], diffDst.get(j));
            }
            return;
        }
        double divisor = algorithm == ReductionAlgorithm.MEAN ? s.reductionSize() : 1;
        for (long i = 0; i < n; i++) {
            diffSrc.set(i, diffDst.get(target.of(i)) / divisor);
        }
    }

    /**
     * For each output element, the flat index of the first maximal input element reducing to it, where a NaN is larger
     * than every number (PyTorch's max propagates NaN; the first NaN takes the gradient).
     */
    private static long[] argmax(ReductionShapes s, Shape srcShape, Values src) {
        int size = Math.toIntExact(Shape.of(s.keptDims()).numel());
        BroadcastIndex target = new BroadcastIndex(Shape.of(s.keptDims()), srcShape);
        long[] argmax = new long[size];
        java.util.Arrays.fill(argmax, -1);
        for (long i = 0, n = srcShape.numel(); i < n; i++) {
            int j = (int) target.of(i);
            if (argmax[j] < 0 || isLarger(src.get(i), src.get(argmax[j]))) {
                argmax[j] = i;
            }
        }
        return argmax;
    }

    /** Strictly larger (the first of equal maxima stays), with NaN larger than every number and the first NaN kept. */
    static boolean isLarger(double v, double best) {
        return !Double.isNaN(best) && (Double.isNaN(v) || v > best);
    }
}
