package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;

/**
 * The element-wise kernels: the activations of {@link Activations} and their derivatives, and the clamped log, one
 * element at a time in double. Element i is read before it is written, so each runs in place too.
 */
final class ReferenceEltwise {
    private ReferenceEltwise() {
    }

    static void register(KernelTable table) {
        table.put(EltwiseOps.FORWARD, (p, in, out) -> forward(p, Values.of(in[0]),
                        Values.of(out[0]), in[0].numel()))
                .put(EltwiseOps.BACKWARD, (p, in, out) -> backward(p, Values.of(in[0]),
                        Values.of(in[1]), Values.of(out[0]), in[0].numel()))
                .put(EltwiseOps.LOG, (p, in, out) -> log(p.min(), Values.of(in[0]),
                        Values.of(out[0]), in[0].numel()))
                .put(EltwiseOps.LOG_BACKWARD, (p, in, out) -> logBackward(p.min(), Values.of(in[0]),
                        Values.of(in[1]), Values.of(out[0]), in[0].numel()));
    }

    private static void forward(EltwiseParams params, Values x, Values y, long n) {
        for (long i = 0; i < n; i++) {
            y.set(i, Activations.value(params, x.get(i)));
        }
    }

    private static void backward(EltwiseParams params, Values x, Values dy, Values dx, long n) {
        for (long i = 0; i < n; i++) {
            dx.set(i, Activations.gradient(params, x.get(i), dy.get(i)));
        }
    }

    /** {@code y = max(log x, min)}, except that a NaN log (x < 0 or NaN) stays NaN. */
    private static void log(float min, Values x, Values y, long n) {
        for (long i = 0; i < n; i++) {
            double l = Math.log(x.get(i));
            y.set(i, l > min ? l : Double.isNaN(l) ? l : min);
        }
    }

    /** {@code dx = dy * d}: {@code d = 1/x} where {@code log x > min}, NaN where the log is NaN, else 0. */
    private static void logBackward(float min, Values x, Values dy, Values dx, long n) {
        for (long i = 0; i < n; i++) {
            double at = x.get(i);
            double l = Math.log(at);
            double derivative = l > min ? x.round(1.0 / at) : Double.isNaN(l) ? Double.NaN : 0;
            dx.set(i, dy.get(i) * derivative);
        }
    }
}
