package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

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
                        TensorAccess.segment(in[0]), TensorAccess.segment(out[0])))
                .put(SoftmaxOps.BACKWARD, (p, in, out) -> backward(SoftmaxShapes.infer(p.opName(), p, in[0].shape()),
                        p.log(), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]), TensorAccess.segment(out[0])));
    }

    static void forward(SoftmaxShapes s, boolean log, MemorySegment x, MemorySegment y) {
        long n = s.axisSize(), inner = s.inner();
        for (long o = 0; o < s.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                long base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (long j = 0; j < n; j++) {
                    max = Math.max(max, x.getAtIndex(JAVA_FLOAT, base + j * inner));
                }
                double sum = 0;
                for (long j = 0; j < n; j++) {
                    sum += Math.exp(x.getAtIndex(JAVA_FLOAT, base + j * inner) - max);
                }
                double logSum = Math.log(sum);
                for (long j = 0; j < n; j++) {
                    double shifted = x.getAtIndex(JAVA_FLOAT, base + j * inner) - max;
                    double value = log ? shifted - logSum : Math.exp(shifted) / sum;
                    y.setAtIndex(JAVA_FLOAT, base + j * inner, (float) value);
                }
            }
        }
    }

    static void backward(SoftmaxShapes s, boolean log, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        long n = s.axisSize(), inner = s.inner();
        for (long o = 0; o < s.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                long base = o * n * inner + i;
                double dot = 0;
                for (long j = 0; j < n; j++) {
                    long at = base + j * inner;
                    dot += log ? dy.getAtIndex(JAVA_FLOAT, at)
                            : (double) dy.getAtIndex(JAVA_FLOAT, at) * y.getAtIndex(JAVA_FLOAT, at);
                }
                for (long j = 0; j < n; j++) {
                    long at = base + j * inner;
                    double yj = y.getAtIndex(JAVA_FLOAT, at);
                    double dyj = dy.getAtIndex(JAVA_FLOAT, at);
                    double value = log ? dyj - Math.exp(yj) * dot : yj * (dyj - dot);
                    dx.setAtIndex(JAVA_FLOAT, at, (float) value);
                }
            }
        }
    }
}
