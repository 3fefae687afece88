package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.tensor.Shape;

import java.lang.foreign.MemorySegment;


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
        table.put(BinaryOps.BINARY, (p, in, out) -> forward(p.algorithm(), in[0].shape(), Values.of(in[0]),
                        in[1].shape(), Values.of(in[1]), out[0].shape(), Values.of(out[0])))
                .put(BinaryOps.BINARY_SCALAR, (p, in, out) -> scalar(p.algorithm(), Values.of(in[0]),
                        p.scalar(), Values.of(out[0]), in[0].numel()))
                .put(BinaryOps.COMPARE, (p, in, out) -> compare(p.algorithm(), in[0].shape(), Values.of(in[0]),
                        in[1].shape(), Values.of(in[1]), out[0].shape(), Values.of(out[0])))
                .put(BinaryOps.COPY, (p, in, out) -> copy(Values.of(in[0]), Values.of(out[0]),
                        in[0].numel()))
                .put(DropoutOps.DROPOUT, (p, in, out) -> dropout(p, Values.of(in[0]),
                        Values.of(out[0]), in[0].numel()));
    }

    static void compare(CompareAlgorithm algorithm, Shape aShape, Values a, Shape bShape, Values b,
                        Shape outShape, Values out) {
        BroadcastIndex ia = new BroadcastIndex(aShape, outShape);
        BroadcastIndex ib = new BroadcastIndex(bShape, outShape);
        for (long i = 0, n = outShape.numel(); i < n; i++) {
            boolean holds = algorithm.test(a.get(ia.of(i)), b.get(ib.of(i)));
            out.set(i, holds ? 1 : 0);
        }
    }

    /** The bytes as they are (NaN payloads kept). */
    static void copy(Values source, Values out, long n) {
        MemorySegment.copy(source.segment, 0, out.segment, 0, n * source.dtype().byteSize());
    }

    /** Training: each element times its mask value (0 or 1/(1-p), one rounding to the dtype); else a copy. */
    static void dropout(DropoutParams params, Values x, Values out, long n) {
        if (!params.training()) {
            copy(x, out, n);
            return;
        }
        float[] mask = DropoutMask.generate(params, n);
        for (int i = 0; i < mask.length; i++) {
            out.set(i, x.get(i) * mask[i]);
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

    static void forward(BinaryAlgorithm algorithm, Shape aShape, Values a, Shape bShape, Values b,
                        Shape outShape, Values out) {
        BroadcastIndex ia = new BroadcastIndex(aShape, outShape);
        BroadcastIndex ib = new BroadcastIndex(bShape, outShape);
        for (long i = 0, n = outShape.numel(); i < n; i++) {
            double x = a.get(ia.of(i));
            double y = b.get(ib.of(i));
            out.set(i, apply(algorithm, x, y));
        }
    }

    static void scalar(BinaryAlgorithm algorithm, Values a, float scalar, Values out, long n) {
        for (long i = 0; i < n; i++) {
            out.set(i, apply(algorithm, a.get(i), scalar));
        }
    }

    static void sumToShape(Shape gradShape, Values grad, Shape targetShape, Values out) {
        double[] sums = new double[Math.toIntExact(targetShape.numel())];
        BroadcastIndex target = new BroadcastIndex(targetShape, gradShape);
        for (long i = 0, n = gradShape.numel(); i < n; i++) {
            sums[(int) target.of(i)] += grad.get(i);
        }
        for (int i = 0; i < sums.length; i++) {
            out.set(i, sums[i]);
        }
    }
}
