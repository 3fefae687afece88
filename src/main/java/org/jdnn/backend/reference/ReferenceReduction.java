package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

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
                        in[0].shape(), TensorAccess.segment(in[0]), TensorAccess.segment(out[0])))
                .put(ReductionOps.REDUCE_BACKWARD, (p, in, out) -> backward(p.algorithm(),
                        ReductionShapes.infer(p, in[0].shape()), in[0].shape(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[2]), TensorAccess.segment(out[0])));
    }

    static void forward(ReductionAlgorithm algorithm, ReductionShapes s, Shape srcShape, MemorySegment src, MemorySegment dst) {
        int size = Math.toIntExact(Shape.of(s.keptDims()).numel());
        BroadcastIndex target = new BroadcastIndex(Shape.of(s.keptDims()), srcShape);
        if (algorithm == ReductionAlgorithm.MAX) {
            long[] argmax = argmax(s, srcShape, src);
            for (int j = 0; j < size; j++) {
                dst.setAtIndex(JAVA_FLOAT, j, src.getAtIndex(JAVA_FLOAT, argmax[j]));
            }
            return;
        }
        double[] sums = new double[size];
        for (long i = 0, n = srcShape.numel(); i < n; i++) {
            sums[(int) target.of(i)] += src.getAtIndex(JAVA_FLOAT, i);
        }
        for (int j = 0; j < size; j++) {
            double value = algorithm == ReductionAlgorithm.MEAN ? sums[j] / s.reductionSize() : sums[j];
            dst.setAtIndex(JAVA_FLOAT, j, (float) value);
        }
    }

    static void backward(ReductionAlgorithm algorithm, ReductionShapes s, Shape srcShape, MemorySegment src,
                         MemorySegment diffDst, MemorySegment diffSrc) {
        BroadcastIndex target = new BroadcastIndex(Shape.of(s.keptDims()), srcShape);
        long n = srcShape.numel();
        if (algorithm == ReductionAlgorithm.MAX) {
            diffSrc.fill((byte) 0);
            long[] argmax = argmax(s, srcShape, src);
            for (int j = 0; j < argmax.length; j++) {
                diffSrc.setAtIndex(JAVA_FLOAT, argmax[j], diffDst.getAtIndex(JAVA_FLOAT, j));
            }
            return;
        }
        double divisor = algorithm == ReductionAlgorithm.MEAN ? s.reductionSize() : 1;
        for (long i = 0; i < n; i++) {
            diffSrc.setAtIndex(JAVA_FLOAT, i, (float) (diffDst.getAtIndex(JAVA_FLOAT, target.of(i)) / divisor));
        }
    }

    /**
     * For each output element, the flat index of the first maximal input element reducing to it, where a NaN is larger
     * than every number (PyTorch's max propagates NaN; the first NaN takes the gradient).
     */
    private static long[] argmax(ReductionShapes s, Shape srcShape, MemorySegment src) {
        int size = Math.toIntExact(Shape.of(s.keptDims()).numel());
        BroadcastIndex target = new BroadcastIndex(Shape.of(s.keptDims()), srcShape);
        long[] argmax = new long[size];
        java.util.Arrays.fill(argmax, -1);
        for (long i = 0, n = srcShape.numel(); i < n; i++) {
            int j = (int) target.of(i);
            if (argmax[j] < 0 || isLarger(src.getAtIndex(JAVA_FLOAT, i), src.getAtIndex(JAVA_FLOAT, argmax[j]))) {
                argmax[j] = i;
            }
        }
        return argmax;
    }

    /** Strictly larger (the first of equal maxima stays), with NaN larger than every number and the first NaN kept. */
    static boolean isLarger(float v, float best) {
        return !Float.isNaN(best) && (Float.isNaN(v) || v > best);
    }
}
