package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.CastOps;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Elements;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/** cast, element by element through {@link Elements}: exact between integer dtypes, through double otherwise. */
final class ReferenceCast {
    private ReferenceCast() {
    }

    static void register(KernelTable table) {
        table.put(CastOps.CAST, (p, in, out) -> cast(in[0], out[0]));
    }

    private static void cast(Tensor input, Tensor output) {
        MemorySegment x = TensorAccess.segment(input), y = TensorAccess.segment(output);
        DType from = input.dtype(), to = output.dtype();
        long n = input.numel();
        if (from == to) {
            MemorySegment.copy(x, 0, y, 0, n * from.byteSize());
        } else if (!from.isFloatingPoint()) {
            for (long i = 0; i < n; i++) {
                Elements.setLong(y, to, i, Elements.getLong(x, from, i));
            }
        } else {
            for (long i = 0; i < n; i++) {
                Elements.set(y, to, i, Elements.get(x, from, i));
            }
        }
    }
}
