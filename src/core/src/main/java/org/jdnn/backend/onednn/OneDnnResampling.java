package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.AdaptivePool2dOps;
import org.jdnn.ops.MaxUnpool2dOps;
import org.jdnn.ops.Op;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.Upsample2dOps;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.Set;

/**
 * The 2-d resampling ops on the CPU backend. Adaptive average pooling whose input size is a multiple of the output
 * size on both axes (a ResNet head's global pooling: output 1x1) is oneDNN's average pooling with kernel = stride =
 * in / out; other sizes have windows of unequal size, which oneDNN's pooling has not, and fall back to the reference.
 * Upsampling, max pooling's indices and max unpooling run the reference's plain Java loops as this backend's own
 * kernels (declared here, not fallbacks): oneDNN's resampling maps coordinates as PyTorch's 'nearest-exact' and
 * 'bilinear' without align_corners, so it could serve only some cases, and unpooling is a scatter.
 */
final class OneDnnResampling {
    private OneDnnResampling() {
    }

    static void register(OneDnnBackend backend, KernelTable table) {
        String unequal = "adaptive average pooling whose input size is not a multiple of the output size (windows of "
                + "unequal size, which oneDNN's pooling has not)";
        table.put(AdaptivePool2dOps.FORWARD, (p, in, out) -> {
                    Pool2dParams pool = asPooling(p, in[0].shape());
                    OneDnnPooling.forward(backend, pool, Pool2dShapes.infer(pool, in[0].shape()), in[0], out[0], null);
                },
                Fallback.toReference(unequal, (p, in, out) -> !divisible(p, in[0].shape())));
        table.put(AdaptivePool2dOps.BACKWARD, (p, in, out) -> {
                    Pool2dParams pool = asPooling(p.pool(), p.input());
                    OneDnnPooling.backward(backend, pool, Pool2dShapes.infer(pool, p.input()), in[0], null, out[0]);
                },
                Fallback.toReference(unequal, (p, in, out) -> !divisible(p.pool(), p.input())));
        reuseJavaLoop(table, Upsample2dOps.FORWARD);
        reuseJavaLoop(table, Upsample2dOps.BACKWARD);
        // int64 indices: registered as taking them (the table's native dtype is float32 only).
        Set<DType> withIndices = Set.of(DType.FLOAT32, DType.INT64);
        table.putAccepting(MaxUnpool2dOps.INDICES, withIndices, javaLoop(MaxUnpool2dOps.INDICES));
        table.putAccepting(MaxUnpool2dOps.UNPOOL, withIndices, javaLoop(MaxUnpool2dOps.UNPOOL));
        table.putAccepting(MaxUnpool2dOps.UNPOOL_BACKWARD, withIndices, javaLoop(MaxUnpool2dOps.UNPOOL_BACKWARD));
    }

    private static <P> org.jdnn.backend.Kernel<P> javaLoop(Op<P> op) {
        return ReferenceBackend.INSTANCE.kernels().entry(op).kernel();
    }

    private static <P> void reuseJavaLoop(KernelTable table, Op<P> op) {
        table.put(op, ReferenceBackend.INSTANCE.kernels().entry(op).kernel());
    }

    static boolean divisible(AdaptivePool2dOps.Params p, Shape input) {
        return input.dim(2) % p.outH() == 0 && input.dim(3) % p.outW() == 0;
    }

    /** The equal-window average pooling of a divisible adaptive pooling (no padding, so either divisor rule). */
    static Pool2dParams asPooling(AdaptivePool2dOps.Params p, Shape input) {
        long kh = input.dim(2) / p.outH(), kw = input.dim(3) / p.outW();
        return Pool2dParams.avg(1, 1, 0, true).withKernel(kh, kw).withStride(kh, kw);
    }
}
