package org.jdnn.backend.reference;

import org.jdnn.backend.Backend;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Operands;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
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

    // ---- pool2d ----

    @Override
    public Pool2dWorkspace pool2dWorkspace(Pool2dParams params, Shape src) {
        Pool2dShapes shapes = Pool2dShapes.infer(params, src);
        return params.algorithm() != PoolAlgorithm.MAX ? null
                : Pool2dWorkspace.allocate(name(), params, src, ReferencePooling.workspaceBytes(shapes));
    }

    @Override
    public void pool2dForward(Pool2dParams params, Tensor src, Tensor dst, Pool2dWorkspace workspace) {
        Pool2dShapes s = Operands.pool2dForward(params, src, dst, workspace, name(), Device.CPU);
        ReferencePooling.forward(params, s, TensorAccess.segment(src), TensorAccess.segment(dst), workspace);
        if (workspace != null) {
            workspace.markWritten();
        }
    }

    @Override
    public void pool2dBackward(Pool2dParams params, Tensor diffDst, Pool2dWorkspace workspace, Tensor diffSrc) {
        Pool2dShapes s = Operands.pool2dBackward(params, diffDst, workspace, diffSrc, name(), Device.CPU);
        ReferencePooling.backward(params, s, TensorAccess.segment(diffDst), workspace, TensorAccess.segment(diffSrc));
    }

    // ---- batchnorm ----

    @Override
    public void batchNormForward(BatchNormParams params, boolean training, Tensor src, Tensor scale, Tensor shift,
                                 Tensor mean, Tensor variance, Tensor dst) {
        Operands.notNull("batchnorm", "params", params);
        BatchNormShapes s = Operands.batchNormForward(training, src, scale, shift, mean, variance, dst, Device.CPU);
        ReferenceBatchNorm.forward(params, training, s, TensorAccess.segment(src), segmentOrNull(scale),
                segmentOrNull(shift), TensorAccess.segment(mean), TensorAccess.segment(variance), TensorAccess.segment(dst));
    }

    @Override
    public void batchNormBackward(BatchNormParams params, boolean training, Tensor src, Tensor diffDst, Tensor scale,
                                  Tensor mean, Tensor variance, Tensor diffSrc, Tensor diffScale, Tensor diffShift) {
        Operands.notNull("batchnorm backward", "params", params);
        BatchNormShapes s = Operands.batchNormBackward(training, src, diffDst, scale, mean, variance, diffSrc,
                diffScale, diffShift, Device.CPU);
        ReferenceBatchNorm.backward(params, training, s, TensorAccess.segment(src), TensorAccess.segment(diffDst),
                segmentOrNull(scale), TensorAccess.segment(mean), TensorAccess.segment(variance),
                TensorAccess.segment(diffSrc), segmentOrNull(diffScale), segmentOrNull(diffShift));
    }

    @Override
    public void batchNormUpdateRunningStats(BatchNormParams params, long count, Tensor mean, Tensor variance,
                                            Tensor runningMean, Tensor runningVariance) {
        Operands.notNull("batchnorm running stats", "params", params);
        Operands.batchNormRunningStats(count, mean, variance, runningMean, runningVariance, Device.CPU);
        ReferenceBatchNorm.updateRunningStats(params, count, mean.size(0), TensorAccess.segment(mean),
                TensorAccess.segment(variance), TensorAccess.segment(runningMean), TensorAccess.segment(runningVariance));
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? null : TensorAccess.segment(t);
    }
}
