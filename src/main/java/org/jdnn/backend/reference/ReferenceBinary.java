package org.jdnn.backend.reference;

import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.tensor.Shape;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Binary arithmetic with broadcasting, element by element, and its backward helper sum-to-shape (a
 * gradient summed, in double, over every output element that read the same operand element).
 */
final class ReferenceBinary {
    private ReferenceBinary() {
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
