package org.jdnn.backend.reference;

import org.jdnn.backend.Backend;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Operands;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The oracle: every kernel in plain Java loops, readable against its textbook formula, accumulating in
 * double. It shares no numeric code with the native backends, only shape validation. Slow by design.
 */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private final KernelTable kernels = new KernelTable("reference", java.util.Set.of());

    private ReferenceBackend() {
        // One line per op family; each family's class registers its kernels.
        ReferenceConvolution.register(kernels);
        kernels.put(ReductionOps.SUM_TO_SHAPE, (p, in, out) -> ReferenceBinary.sumToShape(in[0].shape(),
                TensorAccess.segment(in[0]), out[0].shape(), TensorAccess.segment(out[0])));
        ReferenceBinary.register(kernels);
        ReferenceReduction.register(kernels);
        ReferenceConcat.register(kernels);
        ReferenceOptimizers.register(kernels);
        ReferencePooling.register(kernels);
        ReferenceBatchNorm.register(kernels);
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public KernelTable kernels() {
        return kernels;
    }

    @Override
    public void matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out) {
        MatmulShapes s = Operands.matmul(params, a, b, bias, out, Device.CPU);
        MemorySegment A = TensorAccess.segment(a);
        MemorySegment B = TensorAccess.segment(b);
        MemorySegment C = TensorAccess.segment(out);
        MemorySegment bi = bias == null ? null : TensorAccess.segment(bias);
        long m = s.m(), k = s.k(), n = s.n();
        for (long batch = 0; batch < s.batch(); batch++) {
            long aBase = (s.batchA() == 1 ? 0 : batch) * m * k;
            long bBase = (s.batchB() == 1 ? 0 : batch) * k * n;
            long cBase = batch * m * n;
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < n; j++) {
                    double sum = bi == null ? 0.0 : bi.getAtIndex(JAVA_FLOAT, j);
                    for (long p = 0; p < k; p++) {
                        // A is (M,K) row-major, or (K,M) when transposed; likewise B is (K,N) or (N,K).
                        long ai = params.transposeA() ? p * m + i : i * k + p;
                        long bj = params.transposeB() ? j * k + p : p * n + j;
                        sum += (double) A.getAtIndex(JAVA_FLOAT, aBase + ai) * B.getAtIndex(JAVA_FLOAT, bBase + bj);
                    }
                    C.setAtIndex(JAVA_FLOAT, cBase + i * n + j, (float) sum);
                }
            }
        }
    }

    @Override
    public void eltwiseForward(EltwiseParams params, Tensor src, Tensor dst) {
        Operands.eltwiseForward(params, src, dst, Device.CPU);
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment y = TensorAccess.segment(dst);
        for (long i = 0, n = src.numel(); i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, i, (float) Activations.value(params, x.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    @Override
    public void eltwiseBackward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc) {
        Operands.eltwiseBackward(params, src, diffDst, diffSrc, Device.CPU);
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment dy = TensorAccess.segment(diffDst);
        MemorySegment dx = TensorAccess.segment(diffSrc);
        for (long i = 0, n = src.numel(); i < n; i++) {
            double grad = Activations.derivative(params, x.getAtIndex(JAVA_FLOAT, i));
            dx.setAtIndex(JAVA_FLOAT, i, (float) (grad * dy.getAtIndex(JAVA_FLOAT, i)));
        }
    }

    // ---- softmax ----

    @Override
    public void softmaxForward(SoftmaxParams params, Tensor src, Tensor dst) {
        SoftmaxShapes s = Operands.softmaxForward(params, src, dst, Device.CPU);
        ReferenceSoftmax.forward(s, params.log(), TensorAccess.segment(src), TensorAccess.segment(dst));
    }

    @Override
    public void softmaxBackward(SoftmaxParams params, Tensor dst, Tensor diffDst, Tensor diffSrc) {
        SoftmaxShapes s = Operands.softmaxBackward(params, dst, diffDst, diffSrc, Device.CPU);
        ReferenceSoftmax.backward(s, params.log(), TensorAccess.segment(dst), TensorAccess.segment(diffDst),
                TensorAccess.segment(diffSrc));
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? null : TensorAccess.segment(t);
    }
}
