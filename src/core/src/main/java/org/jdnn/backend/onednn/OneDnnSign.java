package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.SignOps;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * sign and abs on the CPU: plain float loops (the JIT vectorises them), element i read before it is written so they
 * run in place. oneDNN's eltwise abs would add a primitive call for a one-instruction function; it has no sign.
 */
final class OneDnnSign {
    private OneDnnSign() {
    }

    static void register(KernelTable table) {
        table.put(SignOps.SIGN, (p, in, out) -> sign(in[0], out[0]))
                .put(SignOps.ABS, (p, in, out) -> abs(in[0], out[0]));
    }

    private static void sign(Tensor src, Tensor dst) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment y = TensorAccess.segment(dst);
        for (long i = 0, n = src.numel(); i < n; i++) {
            float v = x.getAtIndex(JAVA_FLOAT, i);
            y.setAtIndex(JAVA_FLOAT, i, v > 0 ? 1f : v < 0 ? -1f : 0f); // +-0 and NaN give 0
        }
    }

    private static void abs(Tensor src, Tensor dst) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment y = TensorAccess.segment(dst);
        for (long i = 0, n = src.numel(); i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, i, Math.abs(x.getAtIndex(JAVA_FLOAT, i)));
        }
    }
}
