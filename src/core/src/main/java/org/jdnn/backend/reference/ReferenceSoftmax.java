package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxShapes;

/**
 * Softmax and log-softmax over the middle axis of an (outer, axis, inner) view, in double:
 * {@code y_j = exp(x_j - m) / sum_k exp(x_k - m)} with {@code m = max_k x_k}, and
 * {@code log y_j = x_j - m - log sum_k exp(x_k - m)}. Backward from the output y:
 * softmax {@code dx_j = y_j (dy_j - sum_k dy_k y_k)}, log-softmax {@code dx_j = dy_j - exp(y_j) sum_k dy_k}.
 */
final class ReferenceSoftmax {
    private ReferenceSoftmax() {
    }

    static void register(KernelTable table) {
        table.put(SoftmaxOps.FORWARD, (p, in, out) -> forward(SoftmaxShapes.infer(p.opName(), p, in[0].shape()), p.log(),
                        Values.of(in[0]), Values.of(out[0])))
                .put(SoftmaxOps.BACKWARD, (p, in, out) -> backward(SoftmaxShapes.infer(p.opName(), p, in[0].shape()),
                        p.log(), Values.of(in[0]), Values.of(in[1]), Values.of(out[0])));
    }

    static void forward(SoftmaxShapes s, boolean log, Values x, Values y) {
        long n = s.axisSize(), inner = s.inner();
        for (long o = 0; o < s.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                long base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (long j = 0; j < n; j++) {
                    max = Math.max(max, x.get(base + j * inner));
                }
                double sum = 0;
                for (long j = 0; j < n; j++) {
                    sum += Math.exp(x.get(base + j * inner) - max);
                }
                double logSum = Math.log(sum);
                for (long j = 0; j < n; j++) {
                    double shifted = x.get(base + j * inner) - max;
                    double value = log ? shifted - logSum : Math.exp(shifted) / sum;
                    y.set(base + j * inner, value);
                }
            }
        }
    }

    static void backward(SoftmaxShapes s, boolean log, Values y, Values dy, Values dx) {
        long n = s.axisSize(), inner = s.inner();
        for (long o = 0; o < s.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                long base = o * n * inner + i;
                double dot = 0;
                for (long j = 0; j < n; j++) {
                    long at = base + j * inner;
                    dot += log ? dy.get(at)
                            : dy.get(at) * y.get(at);
                }
                for (long j = 0; j < n; j++) {
                    long at = base + j * inner;
                    double yj = y.get(at);
                    double dyj = dy.get(at);
                    double value = log ? dyj - Math.exp(yj) * dot : yj * (dyj - dot);
                    dx.set(at, value);
                }
            }
        }
    }
}
