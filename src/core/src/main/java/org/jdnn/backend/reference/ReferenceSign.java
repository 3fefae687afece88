package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.SignOps;
import org.jdnn.tensor.Tensor;

import java.util.function.DoubleUnaryOperator;

/** sign and abs as their definitions, element by element. */
final class ReferenceSign {
    private ReferenceSign() {
    }

    static void register(KernelTable table) {
        table.put(SignOps.SIGN, (p, in, out) -> map(in[0], out[0], x -> (0 < x ? 1 : 0) - (x < 0 ? 1 : 0)))
                .put(SignOps.ABS, (p, in, out) -> map(in[0], out[0], x -> x < 0 ? -x : x == 0 ? 0 : x));
    }

    private static void map(Tensor src, Tensor dst, DoubleUnaryOperator f) {
        Values x = Values.of(src);
        Values y = Values.of(dst);
        for (long i = 0, n = src.numel(); i < n; i++) {
            y.set(i, f.applyAsDouble(x.get(i)));
        }
    }
}
