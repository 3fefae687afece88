package org.jdnn.backend.reference;

import org.jdnn.backend.Backend;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Operands;
import org.jdnn.backend.OptimizerOperands;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.List;

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
        ReferenceMatmul.register(kernels);
        ReferenceEltwise.register(kernels);
        ReferenceSoftmax.register(kernels);
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

    // ---- binary ----

    @Override
    public void binary(BinaryParams params, Tensor a, Tensor b, Tensor out) {
        Shape shape = Operands.binary(params, a, b, out, Device.CPU);
        ReferenceBinary.forward(params.algorithm(), a.shape(), TensorAccess.segment(a), b.shape(),
                TensorAccess.segment(b), shape, TensorAccess.segment(out));
    }

    @Override
    public void binaryScalar(BinaryParams params, Tensor a, float scalar, Tensor out) {
        Operands.binaryScalar(params, a, scalar, out, Device.CPU);
        ReferenceBinary.scalar(params.algorithm(), TensorAccess.segment(a), scalar, TensorAccess.segment(out), a.numel());
    }

    // ---- reduction ----

    @Override
    public void reduce(ReductionParams params, Tensor src, Tensor dst) {
        ReductionShapes s = Operands.reduce(params, src, dst, Device.CPU);
        ReferenceReduction.forward(params.algorithm(), s, src.shape(), TensorAccess.segment(src), TensorAccess.segment(dst));
    }

    @Override
    public void reduceBackward(ReductionParams params, Tensor src, Tensor dst, Tensor diffDst, Tensor diffSrc) {
        ReductionShapes s = Operands.reduceBackward(params, src, dst, diffDst, diffSrc, Device.CPU);
        ReferenceReduction.backward(params.algorithm(), s, src.shape(), TensorAccess.segment(src),
                TensorAccess.segment(diffDst), TensorAccess.segment(diffSrc));
    }

    // ---- concat ----

    @Override
    public void concat(int axis, List<Tensor> srcs, Tensor dst) {
        ConcatShapes s = Operands.concat(axis, srcs, dst, Device.CPU);
        ReferenceConcat.copy(s, TensorAccess.segment(dst), srcs.stream().map(TensorAccess::segment).toList(), true);
    }

    @Override
    public void split(int axis, Tensor src, List<Tensor> dsts) {
        ConcatShapes s = Operands.split(axis, src, dsts, Device.CPU);
        ReferenceConcat.copy(s, TensorAccess.segment(src), dsts.stream().map(TensorAccess::segment).toList(), false);
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

    // ---- optimizer ----

    @Override
    public void sgdUpdate(SgdParams params, Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep) {
        OptimizerOperands.sgd(params, param, grad, momentumBuffer);
        ReferenceOptimizers.sgd(params, param.numel(), TensorAccess.segment(param), TensorAccess.segment(grad),
                segmentOrNull(momentumBuffer), firstStep);
    }

    @Override
    public void adagradUpdate(AdagradParams params, long step, Tensor param, Tensor grad, Tensor sum) {
        OptimizerOperands.adagrad(step, param, grad, sum);
        ReferenceOptimizers.adagrad(params, step, param.numel(), TensorAccess.segment(param), TensorAccess.segment(grad),
                TensorAccess.segment(sum));
    }

    @Override
    public void rmspropUpdate(RmspropParams params, Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg,
                              Tensor momentumBuffer) {
        OptimizerOperands.rmsprop(params, param, grad, squareAvg, gradAvg, momentumBuffer);
        ReferenceOptimizers.rmsprop(params, param.numel(), TensorAccess.segment(param), TensorAccess.segment(grad),
                TensorAccess.segment(squareAvg), segmentOrNull(gradAvg), segmentOrNull(momentumBuffer));
    }

    @Override
    public void adamUpdate(AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        OptimizerOperands.adam(params, step, param, grad, expAvg, expAvgSq);
        ReferenceOptimizers.adam(params, step, param.numel(), TensorAccess.segment(param), TensorAccess.segment(grad),
                TensorAccess.segment(expAvg), TensorAccess.segment(expAvgSq));
    }
}
