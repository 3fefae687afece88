package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.PowOps;
import org.jdnn.tensor.Tensor;

/** {@code a ^ b} with broadcasting and its two partial derivatives, element by element in double. */
final class ReferencePow {
    private ReferencePow() {
    }

    static void register(KernelTable table) {
        table.put(PowOps.POW, (p, in, out) -> pow(in[0], in[1], out[0]))
                .put(PowOps.POW_BACKWARD, (p, in, out) -> backward(p.operand(), in[0], in[1], in[2], out[0]));
    }

    private static void pow(Tensor a, Tensor b, Tensor out) {
        Values x = Values.of(a), e = Values.of(b), y = Values.of(out);
        BroadcastIndex ia = new BroadcastIndex(a.shape(), out.shape()), ib = new BroadcastIndex(b.shape(), out.shape());
        for (long i = 0, n = out.numel(); i < n; i++) {
            double base = x.get(ia.of(i)), exponent = e.get(ib.of(i));
            y.set(i, ElementwiseMath.pow(base, exponent));
        }
    }

    /** d/da = g b a^(b-1), 0 where b = 0; d/db = g a^b log a, 0 where a = 0 and b >= 0 (PyTorch's pow_backward_*). */
    private static void backward(int operand, Tensor a, Tensor b, Tensor gradOutput, Tensor out) {
        Values x = Values.of(a), e = Values.of(b), g = Values.of(gradOutput), d = Values.of(out);
        BroadcastIndex ia = new BroadcastIndex(a.shape(), out.shape()), ib = new BroadcastIndex(b.shape(), out.shape());
        for (long i = 0, n = out.numel(); i < n; i++) {
            double base = x.get(ia.of(i)), exponent = e.get(ib.of(i));
            double grad = g.get(i);
            double value;
            if (operand == 0) {
                value = exponent == 0 ? 0 : grad * (exponent * ElementwiseMath.pow(base, exponent - 1));
            } else {
                value = base == 0 && exponent >= 0 ? 0 : grad * (ElementwiseMath.pow(base, exponent) * Math.log(base));
            }
            d.set(i, value);
        }
    }
}
