package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The element-wise kernels: the activations of {@link Activations} and their derivatives, and the clamped log, one
 * element at a time in double. Element i is read before it is written, so each runs in place too.
 */
final class ReferenceEltwise {
    private ReferenceEltwise() {
    }

    static void register(KernelTable table) {
        table.put(EltwiseOps.FORWARD, (p, in, out) -> forward(p, TensorAccess.segment(in[0]),
                        TensorAccess.segment(out[0]), in[0].numel()))
                .put(EltwiseOps.BACKWARD, (p, in, out) -> backward(p, TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(out[0]), in[0].numel()))
                .put(EltwiseOps.LOG, (p, in, out) -> log(p.min(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(out[0]), in[0].numel()))
                .put(EltwiseOps.LOG_BACKWARD, (p, in, out) -> logBackward(p.min(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(out[0]), in[0].numel()));
    }

    private static void forward(EltwiseParams params, MemorySegment x, MemorySegment y, long n) {
        for (long i = 0; i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, i, (float) Activations.value(params, x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    private static void backward(EltwiseParams params, MemorySegment x, MemorySegment dy, MemorySegment dx, long n) {
        for (long i = 0; i < n; i++) {
            double grad = Activations.gradient(params, x.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i));
            dx.setAtIndex(JAVA_FLOAT, i, (float) grad);
        }
    }

    /** {@code y = max(log x, min)}, except that a NaN log (x < 0 or NaN) stays NaN. */
    private static void log(float min, MemorySegment x, MemorySegment y, long n) {
        for (long i = 0; i < n; i++) {
            double l = Math.log(x.getAtIndex(JAVA_FLOAT, i));
            y.setAtIndex(JAVA_FLOAT, i, (float) (l > min ? l : Double.isNaN(l) ? l : min));
        }
    }

    /** {@code dx = dy * d}: {@code d = 1/x} where {@code log x > min}, NaN where the log is NaN, else 0. */
    private static void logBackward(float min, MemorySegment x, MemorySegment dy, MemorySegment dx, long n) {
        for (long i = 0; i < n; i++) {
            float at = x.getAtIndex(JAVA_FLOAT, i);
            double l = Math.log(at);
            float derivative = l > min ? (float) (1.0 / at) : Double.isNaN(l) ? Float.NaN : 0f;
            dx.setAtIndex(JAVA_FLOAT, i, (float) ((double) dy.getAtIndex(JAVA_FLOAT, i) * derivative));
        }
    }
}
