package org.jdnn.functional;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * The op calls that have no differentiable form in {@link org.jdnn.autograd.F}: backward passes (for tests and for
 * code that differentiates by hand), in-place updates (gradient accumulation, optimizer steps, copies), masks,
 * comparisons and arg-max, and the training forms that hand back their saved state (pooling's workspace, batch
 * statistics). Each is one line over {@link Dispatch}, on the backend that owns the operands; results are new tensors
 * owned by the caller (or the enclosing {@link org.jdnn.tensor.Scope}). Forward ops are called through F (under
 * {@code Autograd.noGrad()} when nothing should be recorded).
 */
public final class Functional {
    private Functional() {
    }

    /** The gradient of {@code f} at {@code x} times {@code gradOutput}, element-wise. */
    public static Tensor activationBackward(EltwiseParams params, Tensor x, Tensor gradOutput) {
        return Dispatch.call1(EltwiseOps.BACKWARD, params, x, gradOutput);
    }

    // ---- softmax ----

    /** The gradient wrt the softmax input, from the forward output {@code y} and {@code gradOutput}. */
    public static Tensor softmaxBackward(SoftmaxParams params, Tensor y, Tensor gradOutput) {
        return Dispatch.call1(SoftmaxOps.BACKWARD, params, y, gradOutput);
    }

    // ---- binary ----

    /**
     * {@code target += addend} in place ({@code addend} broadcasts to target's shape); returns target. The binary op
     * run with its output being its first input (see {@link BinaryOps}).
     */
    public static Tensor addInPlace(Tensor target, Tensor addend) {
        Dispatch.run(Backends.forDevice(target.device()), BinaryOps.BINARY, BinaryParams.of(BinaryAlgorithm.ADD),
                new Tensor[] {target, addend}, new Tensor[] {target});
        return target;
    }

    /** 1 where {@code a op b} holds (with broadcasting), else 0; NaN compares false except for NE. */
    public static Tensor compare(CompareAlgorithm algorithm, Tensor a, Tensor b) {
        return Dispatch.call1(BinaryOps.COMPARE, new BinaryOps.CompareParams(algorithm), a, b);
    }

    /** {@code grad} summed down to {@code shape} (which must broadcast to grad's shape): the backward of broadcasting. */
    public static Tensor sumToShape(Tensor grad, Shape shape) {
        return Dispatch.call1(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(shape), grad);
    }

    // ---- reduction ----

    /** The gradient wrt the reduction input {@code x}, given its output {@code y} and {@code gradOutput}. */
    public static Tensor reduceBackward(ReductionParams params, Tensor x, Tensor y, Tensor gradOutput) {
        return Dispatch.call1(ReductionOps.REDUCE_BACKWARD, params, x, y, gradOutput);
    }

    // ---- concat ----

    /** Consecutive slices of {@code x} along {@code axis} with the given sizes (which must add up to its size there). */
    public static List<Tensor> split(Tensor x, int axis, long... sizes) {
        return List.of(Dispatch.call(ConcatOps.SPLIT, new ConcatOps.SplitParams(axis, sizes), x));
    }

    // ---- dropout ----

    /** The dropout mask for {@code shape}: 0 or {@code 1/(1-p)} per element, from the params' seed. */
    public static Tensor dropoutMask(DropoutParams params, Shape shape) {
        return Tensor.of(DropoutMask.generate(params, shape.numel()), shape.dims());
    }

    /** The gradient of dropout: {@code gradOutput * mask} with the same mask as forward (same seed). */
    public static Tensor dropoutBackward(Tensor gradOutput, DropoutParams params) {
        return Dispatch.call1(DropoutOps.DROPOUT, params, gradOutput);
    }

    // ---- conv2d ----

    // ---- pool2d ----

    /** Pooling for training: the output and, for max pooling, the workspace {@link #pool2dBackward} needs. */
    public static Pool2dResult pool2dTraining(Tensor x, Pool2dParams params) {
        Tensor[] outputs = Dispatch.call(Pool2dOps.TRAINING, params, x);
        return new Pool2dResult(outputs[0], outputs[1]);
    }

    /**
     * The input gradient of pooling over input shape {@code inputShape}; max pooling needs the workspace its
     * {@link #pool2dTraining} made (on the same backend), average pooling none.
     */
    public static Tensor pool2dBackward(Pool2dParams params, Tensor gradOutput, Tensor workspace, Shape inputShape) {
        return Dispatch.call1(Pool2dOps.BACKWARD, new Pool2dOps.BackwardParams(params, inputShape), gradOutput,
                workspace);
    }

    // ---- batchnorm ----

    /**
     * A training batch-norm forward that keeps the batch mean and biased variance for
     * {@link #batchNormBackward}; updates {@code runningMean}/{@code runningVariance} when given (both or neither).
     */
    public static BatchNormResult batchNormTraining(Tensor x, Tensor weight, Tensor bias, Tensor runningMean,
                                                    Tensor runningVariance, BatchNormParams params) {
        Tensor[] outputs = Dispatch.call(BatchNormOps.TRAINING, params, x, weight, bias, runningMean, runningVariance);
        return new BatchNormResult(outputs[0], outputs[1], outputs[2]);
    }

    /**
     * Gradients of batch normalization given the statistics the forward used (batch ones in training,
     * running ones otherwise); scale and shift gradients only when {@code parameterGradients}.
     */
    public static BatchNormGradients batchNormBackward(BatchNormParams params, boolean training, Tensor x,
                                                       Tensor gradOutput, Tensor weight, Tensor mean, Tensor variance,
                                                       boolean parameterGradients) {
        Tensor[] grads = Dispatch.call(BatchNormOps.BACKWARD, new BatchNormOps.BackwardParams(params, training,
                parameterGradients && weight != null, parameterGradients), x, gradOutput, weight, mean, variance);
        return new BatchNormGradients(grads[0], grads[1], grads[2]);
    }

    // ---- step ----

    // ---- optimizer ----

    /** One SGD step in place on {@code param}; see {@link org.jdnn.ops.SgdParams}. */
    public static void sgdUpdate(org.jdnn.ops.SgdParams params, Tensor param, Tensor grad, Tensor momentumBuffer,
                                 boolean firstStep) {
        Dispatch.call(org.jdnn.ops.SgdOps.UPDATE, new org.jdnn.ops.SgdOps.StepParams(params, firstStep), param, grad,
                momentumBuffer);
    }

    /** One AdaGrad step in place; see {@link org.jdnn.ops.AdagradParams}. */
    public static void adagradUpdate(org.jdnn.ops.AdagradParams params, long step, Tensor param, Tensor grad, Tensor sum) {
        Dispatch.call(org.jdnn.ops.AdagradOps.UPDATE, new org.jdnn.ops.AdagradOps.StepParams(params, step), param, grad,
                sum);
    }

    /** One RMSProp step in place; see {@link org.jdnn.ops.RmspropParams}. */
    public static void rmspropUpdate(org.jdnn.ops.RmspropParams params, Tensor param, Tensor grad, Tensor squareAvg,
                                     Tensor gradAvg, Tensor momentumBuffer) {
        Dispatch.call(org.jdnn.ops.RmspropOps.UPDATE, params, param, grad, squareAvg, gradAvg, momentumBuffer);
    }

    /** One Adam/AdamW step in place; see {@link org.jdnn.ops.AdamParams}. */
    public static void adamUpdate(org.jdnn.ops.AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg,
                                  Tensor expAvgSq) {
        adamUpdate(params, step, param, grad, expAvg, expAvgSq, null);
    }

    /** One Adam/AdamW step in place, with the amsgrad maximum ({@code maxExpAvgSq}, null unless amsgrad). */
    public static void adamUpdate(org.jdnn.ops.AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg,
                                  Tensor expAvgSq, Tensor maxExpAvgSq) {
        Dispatch.call(org.jdnn.ops.AdamOps.UPDATE, new org.jdnn.ops.AdamOps.StepParams(params, step), param, grad, expAvg,
                expAvgSq, maxExpAvgSq);
    }

    /** {@code target *= factor} in place; returns target (the scalar op run with its output being its input). */
    public static Tensor mulInPlace(Tensor target, float factor) {
        Dispatch.run(Backends.forDevice(target.device()), BinaryOps.BINARY_SCALAR,
                new BinaryOps.ScalarParams(BinaryAlgorithm.MUL, factor), new Tensor[] {target}, new Tensor[] {target});
        return target;
    }

    /** Overwrites {@code target}'s elements with {@code source}'s (same shape), bit for bit; returns target. */
    public static Tensor copyInto(Tensor target, Tensor source) {
        Dispatch.run(Backends.forDevice(target.device()), BinaryOps.COPY, NoParams.INSTANCE, new Tensor[] {source},
                new Tensor[] {target});
        return target;
    }

    // ---- losses ----

    /**
     * PyTorch's {@code one_hot(target, num_classes)} as float32 (PyTorch's is int64): a new last dimension of
     * {@code numClasses} holding 1 at each element's class index; a value outside [0, numClasses) is refused by the
     * kernel, naming it.
     */
    public static Tensor oneHot(Tensor target, long numClasses) {
        return Dispatch.call1(org.jdnn.ops.LossOps.ONE_HOT, new org.jdnn.ops.LossOps.OneHotParams(numClasses), target);
    }

    // ---- layers: max pooling's indices ----

    /**
     * The flat index {@code ih * W + iw} within its plane of each max-pooling window's maximum (the element
     * {@link org.jdnn.autograd.F#pool2d} picks), int64; not differentiable.
     */
    public static Tensor maxPool2dIndices(Tensor x, Pool2dParams params) {
        return Dispatch.call1(org.jdnn.ops.MaxUnpool2dOps.INDICES, params, x);
    }

    // ---- integer- and bool-valued ops ----

    /**
     * The int64 index of the maximum along {@code dim} ({@code torch.argmax(x, dim, keepdim)}): the first maximum on
     * ties, a NaN counts as the maximum (the first NaN wins).
     */
    public static Tensor argmax(Tensor x, int dim, boolean keepDim) {
        return Dispatch.call1(ArgReductionOps.ARGMAX, new ArgReductionOps.DimParams(dim, keepDim), x);
    }

    /** The int64 index of the maximum of all elements, in row-major order ({@code torch.argmax(x)}); rank 0. */
    public static Tensor argmax(Tensor x) {
        try (Tensor detached = x.detach(); Tensor flat = detached.reshape(-1)) {
            return argmax(flat, 0, false);
        }
    }

    /** The int64 index of the minimum along {@code dim} ({@code torch.argmin}): the first on ties, NaN as the minimum. */
    public static Tensor argmin(Tensor x, int dim, boolean keepDim) {
        return Dispatch.call1(ArgReductionOps.ARGMIN, new ArgReductionOps.DimParams(dim, keepDim), x);
    }

    /** The int64 index of the minimum of all elements, in row-major order ({@code torch.argmin(x)}); rank 0. */
    public static Tensor argmin(Tensor x) {
        try (Tensor detached = x.detach(); Tensor flat = detached.reshape(-1)) {
            return argmin(flat, 0, false);
        }
    }

    /**
     * {@code a op b} with broadcasting, as bool ({@code torch.eq}, ...): PyTorch's type promotion, then IEEE (NaN compares
     * false except for NE).
     */
    public static Tensor compareBool(CompareAlgorithm algorithm, Tensor a, Tensor b) {
        return Dispatch.call1(ComparisonOps.COMPARE, new ComparisonOps.CompareParams(algorithm), a, b);
    }

    /** {@code a op scalar} as bool; the scalar takes a's dtype as a Python number does (see {@link ComparisonOps}). */
    public static Tensor compareBool(CompareAlgorithm algorithm, Tensor a, double scalar) {
        return Dispatch.call1(ComparisonOps.COMPARE_SCALAR, new ComparisonOps.CompareScalarParams(algorithm, scalar), a);
    }

    public static Tensor eq(Tensor a, Tensor b) {
        return compareBool(CompareAlgorithm.EQ, a, b);
    }

    public static Tensor ne(Tensor a, Tensor b) {
        return compareBool(CompareAlgorithm.NE, a, b);
    }

    public static Tensor lt(Tensor a, Tensor b) {
        return compareBool(CompareAlgorithm.LT, a, b);
    }

    public static Tensor le(Tensor a, Tensor b) {
        return compareBool(CompareAlgorithm.LE, a, b);
    }

    public static Tensor gt(Tensor a, Tensor b) {
        return compareBool(CompareAlgorithm.GT, a, b);
    }

    public static Tensor ge(Tensor a, Tensor b) {
        return compareBool(CompareAlgorithm.GE, a, b);
    }

    public static Tensor eq(Tensor a, double b) {
        return compareBool(CompareAlgorithm.EQ, a, b);
    }

    public static Tensor ne(Tensor a, double b) {
        return compareBool(CompareAlgorithm.NE, a, b);
    }

    public static Tensor lt(Tensor a, double b) {
        return compareBool(CompareAlgorithm.LT, a, b);
    }

    public static Tensor le(Tensor a, double b) {
        return compareBool(CompareAlgorithm.LE, a, b);
    }

    public static Tensor gt(Tensor a, double b) {
        return compareBool(CompareAlgorithm.GT, a, b);
    }

    public static Tensor ge(Tensor a, double b) {
        return compareBool(CompareAlgorithm.GE, a, b);
    }

    /** {@code a && b} on truth values (nonzero is true, NaN included), with broadcasting, as bool. */
    public static Tensor logicalAnd(Tensor a, Tensor b) {
        return Dispatch.call1(ComparisonOps.LOGICAL, new ComparisonOps.LogicalParams(LogicalAlgorithm.AND), a, b);
    }

    /** {@code a || b} on truth values, with broadcasting, as bool. */
    public static Tensor logicalOr(Tensor a, Tensor b) {
        return Dispatch.call1(ComparisonOps.LOGICAL, new ComparisonOps.LogicalParams(LogicalAlgorithm.OR), a, b);
    }

    /** {@code a ^ b} on truth values, with broadcasting, as bool. */
    public static Tensor logicalXor(Tensor a, Tensor b) {
        return Dispatch.call1(ComparisonOps.LOGICAL, new ComparisonOps.LogicalParams(LogicalAlgorithm.XOR), a, b);
    }

    /** {@code !a} on truth values (zero is false), as bool. */
    public static Tensor logicalNot(Tensor a) {
        return Dispatch.call1(ComparisonOps.LOGICAL_NOT, NoParams.INSTANCE, a);
    }
}
