package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.CastOps;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/**
 * cast on the CPU. The table runs float32 only, so this kernel sees float32 to float32, a plain copy; every other
 * pair takes the table's dtype fallback to the reference. f32 to bf16/f16 would be a oneDNN reorder, registered here
 * with {@code putAccepting} once those dtypes have kernels.
 */
final class OneDnnCast {
    private OneDnnCast() {
    }

    static void register(KernelTable table) {
        table.put(CastOps.CAST, (p, in, out) -> {
            MemorySegment x = TensorAccess.segment(in[0]);
            MemorySegment.copy(x, 0, TensorAccess.segment(out[0]), 0, x.byteSize());
        });
    }
}
