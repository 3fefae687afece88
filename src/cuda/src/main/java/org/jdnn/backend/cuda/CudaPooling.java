package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.natives.cuda.Cudnn;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/**
 * Max and average pooling through cuDNN. cuDNN's max pooling backward reads the forward's input and output, so the
 * cuda workspace of {@link Pool2dOps#TRAINING} holds copies of both (input, then output): the backward gets exactly
 * what the forward saw even if the caller overwrites its input later. Cases cuDNN cannot pool
 * ({@link PoolGeometry#unsupported}) take the host round trip, and so does the backward of such a forward.
 */
final class CudaPooling {
    static final String FORMAT = "cuda";

    private CudaPooling() {
    }

    static void register(KernelTable table) {
        table.put(Pool2dOps.FORWARD, (p, in, out) -> forward(p, in[0], out[0]),
                        Fallback.viaHost("pooling cuDNN does not do", (p, in, out) ->
                                PoolGeometry.unsupported(p, in[0].shape()) != null))
                .put(Pool2dOps.TRAINING, (p, in, out) -> {
                    forward(p, in[0], out[0]);
                    if (PoolGeometry.isMax(p)) {
                        out[1] = saveForBackward(p, in[0], out[0]);
                    }
                }, Fallback.viaHost("pooling cuDNN does not do", (p, in, out) ->
                        PoolGeometry.unsupported(p, in[0].shape()) != null))
                .put(Pool2dOps.BACKWARD, (p, in, out) -> backward(p, in[0], in[1], out[0]),
                        Fallback.viaHost("pooling cuDNN does not do, or a workspace the host made", (p, in, out) ->
                                PoolGeometry.unsupported(p.pool(), p.input()) != null
                                        || (in[1] != null && !FORMAT.equals(Pool2dWorkspace.format(in[1])))));
    }

    private static void forward(Pool2dParams p, Tensor x, Tensor y) {
        PoolGeometry g = PoolGeometry.of(p, x.shape(), CudaConvolution.DETERMINISTIC);
        if (g.outputCount() == 0) {
            return;
        }
        try (CudnnDescriptor pd = CudnnDescriptor.pooling(g); CudnnDescriptor xd = CudnnDescriptor.tensor(g.x());
             CudnnDescriptor yd = CudnnDescriptor.tensor(g.y())) {
            Cudnn.check(cudnn_h.cudnnPoolingForward(CudaThread.current().cudnn(), pd.handle(), Scalars.ONE, xd.handle(),
                    TensorAccess.segment(x), Scalars.ZERO, yd.handle(), TensorAccess.segment(y)),
                    "cudnnPoolingForward(" + g + ")");
        }
    }

    /** The max pooling workspace: copies of the input and the output, registered for the backward. */
    private static Tensor saveForBackward(Pool2dParams p, Tensor x, Tensor y) {
        long xBytes = x.numel() * Float.BYTES, yBytes = y.numel() * Float.BYTES;
        Tensor workspace = Pool2dWorkspace.allocate(xBytes + yBytes, x.device());
        try {
            MemorySegment ws = TensorAccess.segment(workspace);
            MemorySegment stream = CudaThread.current().stream();
            if (xBytes > 0) {
                CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(x), ws, xBytes, stream);
            }
            if (yBytes > 0) {
                CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(y), DevicePointer.at(ws, xBytes), yBytes, stream);
            }
            Pool2dWorkspace.filled(workspace, FORMAT, p, x.shape());
            return workspace;
        } catch (RuntimeException | Error e) {
            workspace.close();
            throw e;
        }
    }

    private static void backward(Pool2dOps.BackwardParams p, Tensor dy, Tensor workspace, Tensor dx) {
        PoolGeometry g = PoolGeometry.of(p.pool(), p.input(), CudaConvolution.DETERMINISTIC);
        if (g.inputCount() == 0) {
            return;
        }
        if (g.outputCount() == 0) {
            CudaConvolution.zero(dx);
            return;
        }
        MemorySegment x, y;
        Workspace scratch = null;
        if (workspace != null) {
            Pool2dWorkspace.check(p.pool().algorithm().opName() + " backward", workspace, FORMAT, p.pool(), p.input());
            MemorySegment ws = TensorAccess.segment(workspace);
            x = ws;
            y = DevicePointer.at(ws, g.inputCount() * Float.BYTES);
        } else {
            // Average pooling reads neither; cuDNN still takes both pointers, so they get memory of the right size.
            scratch = Workspace.of(g.inputCount() * Float.BYTES);
            x = scratch.segment();
            y = TensorAccess.segment(dy);
        }
        try (CudnnDescriptor pd = CudnnDescriptor.pooling(g); CudnnDescriptor xd = CudnnDescriptor.tensor(g.x());
             CudnnDescriptor yd = CudnnDescriptor.tensor(g.y())) {
            Cudnn.check(cudnn_h.cudnnPoolingBackward(CudaThread.current().cudnn(), pd.handle(), Scalars.ONE, yd.handle(),
                    y, yd.handle(), TensorAccess.segment(dy), xd.handle(), x, Scalars.ZERO, xd.handle(),
                    TensorAccess.segment(dx)), "cudnnPoolingBackward(" + g + ")");
        } finally {
            if (scratch != null) {
                scratch.close();
            }
        }
    }
}
