package org.jdnn.backend.cuda;

import org.jdnn.backend.KernelTable;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.ops.BinaryOps;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.TensorAccess;

import java.util.EnumSet;

/** {@code target.copy_(source)}: the bytes, whatever the dtype, copied on the device by the thread's stream. */
final class CudaCopy {
    private CudaCopy() {
    }

    static void register(KernelTable table) {
        table.putAccepting(BinaryOps.COPY, EnumSet.allOf(DType.class), (p, in, out) -> {
            long bytes = in[0].numel() * in[0].dtype().byteSize();
            if (bytes > 0) {
                CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(in[0]), TensorAccess.segment(out[0]), bytes,
                        CudaThread.current().stream());
            }
        });
    }
}
