package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Binary arithmetic with broadcasting, element by element, and its backward helper sum-to-shape (a
 * gradient summed, in double, over every output element that read the same operand element); comparisons, copy
 * and dropout (the multiply by the seed's mask).
 */
final class ReferenceBinary {
    private ReferenceBinary() {
    }

    /** Registers binary (and its in-place use), binary_scalar, compare, copy and dropout. */
    static void register(KernelTable table) {
        table.put(BinaryOps.BINARY, (p, in, out) -> forward(p.algorithm(), in[0].shape(), TensorAccess.segment(in[0]),
                        in[1].shape(), TensorAccess.segment(in[1]), out[0].shape(), TensorAccess.segment(out[0])))
                .put(BinaryOps.BINARY_SCALAR, (p, in, out) -> scalar(p.algorithm(), TensorAccess.segment(in[0]),
                        p.scalar(), TensorAccess.segment(out[0]), in[0].numel()))
                .put(BinaryOps.COMPARE, (p, in, out) -> compare(p.algorithm(), in[0].shape(), TensorAccess.segment(in[0]),
                        in[1].shape(), TensorAccess.segment(in[1]), out[0].shape(), TensorAccess.segment(out[0])))
                .put(BinaryOps.COPY, (p, in, out) -> copy(TensorAccess.segment(in[0]), TensorAccess.segment(out[0]),
                        in[0].numel()))
                .put(DropoutOps.DROPOUT, (p, in, out) -> dropout(p, TensorAccess.segment(in[0]),
                        TensorAccess.segment(out[0]), in[0].numel()));
    }

    static void compare(CompareAlgorithm algorithm, Shape aShape, MemorySegment a, Shape bShape, MemorySegment b,
                        Shape outShape, MemorySegment out) {
        BroadcastIndex ia = new BroadcastIndex(aShape, outShape);
        BroadcastIndex ib = new BroadcastIndex(bShape, outShape);
        for (long i = 0, n = outShape.numel(); i < n; i++) {
            boolean holds = algorithm.test(a.getAtIndex(JAVA_FLOAT, ia.of(i)), b.getAtIndex(JAVA_FLOAT, ib.of(i)));
            out.setAtIndex(JAVA_FLOAT, i, holds ? 1f : 0f);
        }
    }

    static void copy(MemorySegment source, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(JAVA_FLOAT, i, source.getAtIndex(JAVA_FLOAT, i));
        }
    }

    /** Training: each element times its mask value (0 or 1/(1-p), one rounding as a float multiply); else a copy. */
    static void dropout(DropoutParams params, MemorySegment x, MemorySegment out, long n) {
        if (!params.training()) {
            copy(x, out, n);
            return;
        }
        float[] mask = DropoutMask.generate(params, n);
        for (int i = 0; i < mask.length; i++) {
            out.setAtIndex(JAVA_FLOAT, i, (float) ((double) x.getAtIndex(JAVA_FLOAT, i) * mask[i]));
        }
    }

    static double apply(BinaryAlgorithm algorithm, double a, double b) {
        return switch (algorithm) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    static void forward(BinaryAlgorithm algorithm, Shape aShape, MemorySegment a, Shape bShape, MemorySegment b,
                        Shape outShape, MemorySegment out) {
        BroadcastIndex ia = new BroadcastIndex(aShape, outShape);
        BroadcastIndex ib = new BroadcastIndex(bShape, outShape);
        for (long i = 0, n = outShape.numel(); i < n; i++) {
            float x = a.getAtIndex(JAVA_FLOAT, ia.of(i));
            float y = b.getAtIndex(JAVA_FLOAT, ib.of(i));
            out.setAtIndex(JAVA_FLOAT, i, (float) apply(algorithm, x, y));
        }
    }

    static void scalar(BinaryAlgorithm algorithm, MemorySegment a, float scalar, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(JAVA_FLOAT, i, (float) apply(algorithm, a.getAtIndex(JAVA_FLOAT, i), scalar));
        }
    }

    static void sumToShape(Shape gradShape, MemorySegment grad, Shape targetShape, MemorySegment out) {
        double[] sums = new double[Math.toIntExact(targetShape.numel())];
        BroadcastIndex target = new BroadcastIndex(targetShape, gradShape);
        for (long i = 0, n = gradShape.numel(); i < n; i++) {
            sums[(int) target.of(i)] += grad.getAtIndex(JAVA_FLOAT, i);
        }
        for (int i = 0; i < sums.length; i++) {
            out.setAtIndex(JAVA_FLOAT, i, (float) sums[i]);
        }
    }
}
