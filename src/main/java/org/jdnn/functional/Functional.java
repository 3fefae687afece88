package org.jdnn.functional;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.util.Arrays;
import java.util.List;

/**
 * The ops without autograd, each one line over {@link Dispatch}: on the backend that owns the operands, the result a
 * new tensor owned by the caller (or the enclosing {@link org.jdnn.tensor.Scope}); plus the in-place updates the graph
 * engine and the optimizers use. Most methods mirror {@link org.jdnn.autograd.F}: the next step retires them in favour
 * of F under {@code Autograd.noGrad()} and keeps only what F has no form for (backward passes, in-place updates).
 */
public final class Functional {
    private Functional() {
    }

    /** {@code a @ b} for rank-2 or batched rank-3 operands. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, MatmulParams.PLAIN);
    }

    /** {@code op(a) @ op(b)} with the transposes in {@code params}. */
    public static Tensor matmul(Tensor a, Tensor b, MatmulParams params) {
        return Dispatch.call1(MatmulOps.MATMUL, params, a, b, null);
    }

    /** PyTorch's linear: {@code x @ weight^T + bias}, weight of shape (out, in), bias (out) or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Dispatch.call1(MatmulOps.MATMUL, MatmulOps.LINEAR, x, weight, bias);
    }

    public static Tensor relu(Tensor x) {
        return activation(EltwiseParams.relu(), x);
    }

    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return activation(EltwiseParams.leakyRelu(negativeSlope), x);
    }

    public static Tensor sigmoid(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.SIGMOID), x);
    }

    public static Tensor tanh(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.TANH), x);
    }

    /** {@code f(x)} element-wise. */
    public static Tensor activation(EltwiseParams params, Tensor x) {
        return Dispatch.call1(EltwiseOps.FORWARD, params, x);
    }

    /** The gradient of {@code f} at {@code x} times {@code gradOutput}, element-wise. */
    public static Tensor activationBackward(EltwiseParams params, Tensor x, Tensor gradOutput) {
        return Dispatch.call1(EltwiseOps.BACKWARD, params, x, gradOutput);
    }

    /**
     * Runs a kernel into {@code out} with {@code out} and the {@code inputs} (nulls skipped) pinned for the whole
     * call, so another thread closing one meanwhile defers its free; frees {@code out} if the kernel or a pin
     * throws (an input already closed), so a failed call leaks nothing.
     */
    private static Tensor run(Tensor out, java.util.function.Consumer<Backend> kernel, Tensor... inputs) {
        try (Pins pins = TensorAccess.pin(inputs, new Tensor[] {out})) {
            kernel.accept(Backends.current());
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** Pins operands of an in-place kernel for the call (see {@link #run}); nulls are skipped. */
    private static Pins pin(Tensor... operands) {
        return TensorAccess.pin(operands, NO_TENSORS);
    }

    private static final Tensor[] NO_TENSORS = {};

    // ---- softmax ----

    /** Softmax over {@code axis} (negative counts from the end). */
    public static Tensor softmax(Tensor x, int axis) {
        return softmax(SoftmaxParams.softmax(axis), x);
    }

    /** Log-softmax over {@code axis}, computed stably (not log of softmax). */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return softmax(SoftmaxParams.logSoftmax(axis), x);
    }

    public static Tensor softmax(SoftmaxParams params, Tensor x) {
        return Dispatch.call1(SoftmaxOps.FORWARD, params, x);
    }

    /** The gradient wrt the softmax input, from the forward output {@code y} and {@code gradOutput}. */
    public static Tensor softmaxBackward(SoftmaxParams params, Tensor y, Tensor gradOutput) {
        return Dispatch.call1(SoftmaxOps.BACKWARD, params, y, gradOutput);
    }

    // ---- binary ----

    public static Tensor add(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.ADD, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.SUB, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.MUL, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.DIV, a, b);
    }

    /** Element-wise maximum (PyTorch's {@code torch.maximum}). */
    public static Tensor maximum(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.MAX, a, b);
    }

    /** Element-wise minimum (PyTorch's {@code torch.minimum}). */
    public static Tensor minimum(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.MIN, a, b);
    }

    public static Tensor add(Tensor a, float b) {
        return binary(BinaryAlgorithm.ADD, a, b);
    }

    public static Tensor sub(Tensor a, float b) {
        return binary(BinaryAlgorithm.SUB, a, b);
    }

    public static Tensor mul(Tensor a, float b) {
        return binary(BinaryAlgorithm.MUL, a, b);
    }

    public static Tensor div(Tensor a, float b) {
        return binary(BinaryAlgorithm.DIV, a, b);
    }

    /**
     * {@code target += addend} in place ({@code addend} broadcasts to target's shape); returns target. The binary op
     * run with its output being its first input (see {@link BinaryOps}).
     */
    public static Tensor addInPlace(Tensor target, Tensor addend) {
        Dispatch.run(Backends.forDevice(target.device()), BinaryOps.BINARY, BinaryParams.of(BinaryAlgorithm.ADD),
                new Tensor[] {target, addend}, new Tensor[] {target});
        return target;
    }

    /** {@code a op b} with NumPy broadcasting. */
    public static Tensor binary(BinaryAlgorithm algorithm, Tensor a, Tensor b) {
        return Dispatch.call1(BinaryOps.BINARY, BinaryParams.of(algorithm), a, b);
    }

    /** {@code a op scalar} element-wise. */
    public static Tensor binary(BinaryAlgorithm algorithm, Tensor a, float scalar) {
        return Dispatch.call1(BinaryOps.BINARY_SCALAR, new BinaryOps.ScalarParams(algorithm, scalar), a);
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

    /** The sum over {@code axes} (all axes when none are given). */
    public static Tensor sum(Tensor x, boolean keepDim, int... axes) {
        return reduce(ReductionParams.of(ReductionAlgorithm.SUM, keepDim, axes), x);
    }

    public static Tensor mean(Tensor x, boolean keepDim, int... axes) {
        return reduce(ReductionParams.of(ReductionAlgorithm.MEAN, keepDim, axes), x);
    }

    /** The maximum values over {@code axes}; the gradient goes to the first maximum of each slice. */
    public static Tensor max(Tensor x, boolean keepDim, int... axes) {
        return reduce(ReductionParams.of(ReductionAlgorithm.MAX, keepDim, axes), x);
    }

    public static Tensor reduce(ReductionParams params, Tensor x) {
        return Dispatch.call1(ReductionOps.REDUCE, params, x);
    }

    /** The gradient wrt the reduction input {@code x}, given its output {@code y} and {@code gradOutput}. */
    public static Tensor reduceBackward(ReductionParams params, Tensor x, Tensor y, Tensor gradOutput) {
        return Dispatch.call1(ReductionOps.REDUCE_BACKWARD, params, x, y, gradOutput);
    }

    /**
     * The index of the maximum along {@code axis} as float32 values (PyTorch's {@code argmax(dim, keepdim)}: the
     * first maximum on ties, a NaN counts as the maximum).
     */
    public static Tensor argmax(Tensor x, int axis, boolean keepDim) {
        return Dispatch.call1(ReductionOps.ARGMAX, new ReductionOps.ArgmaxParams(axis, keepDim), x);
    }

    // ---- concat ----

    public static Tensor concat(int axis, Tensor... tensors) {
        return concat(axis, Arrays.asList(tensors));
    }

    /** The tensors one after another along {@code axis} (PyTorch's {@code torch.cat}). */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException("concat: tensors is null");
        }
        return Dispatch.call1(ConcatOps.CONCAT, new ConcatOps.ConcatParams(axis), tensors.toArray(new Tensor[0]));
    }

    /** Consecutive slices of {@code x} along {@code axis} with the given sizes (which must add up to its size there). */
    public static List<Tensor> split(Tensor x, int axis, long... sizes) {
        return List.of(Dispatch.call(ConcatOps.SPLIT, new ConcatOps.SplitParams(axis, sizes), x));
    }

    // ---- dropout ----

    /** The dropout mask for {@code shape}: 0 or {@code 1/(1-p)} per element, from the params' seed. */
    public static Tensor dropoutMask(DropoutParams params, Shape shape) {
        return Tensor.of(DropoutMask.generate(params, shape.numel()), shape.dims());
    }

    /** Training: {@code x * mask} with the mask of the params' seed; inference: a copy of {@code x}. */
    public static Tensor dropout(Tensor x, DropoutParams params) {
        return Dispatch.call1(DropoutOps.DROPOUT, params, x);
    }

    /** The gradient of dropout: {@code gradOutput * mask} with the same mask as forward (same seed). */
    public static Tensor dropoutBackward(Tensor gradOutput, DropoutParams params) {
        return Dispatch.call1(DropoutOps.DROPOUT, params, gradOutput);
    }

    // ---- conv2d ----

    /** PyTorch's conv2d: x (N, C, H, W), weight (O, C/groups, KH, KW), bias (O) or null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        return Dispatch.call1(Conv2dOps.FORWARD, params, x, weight, bias);
    }

    /** conv2d with stride 1, no padding, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, Conv2dParams.DEFAULT);
    }

    /** PyTorch's conv_transpose2d: x (N, C, H, W), weight (C, O/groups, KH, KW), bias (O) or null. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return Dispatch.call1(ConvTranspose2dOps.FORWARD, params, x, weight, bias);
    }

    // ---- pool2d ----

    /** PyTorch's {@code max_pool2d(x, kernel, stride, padding)} on NCHW input. */
    public static Tensor maxPool2d(Tensor x, long kernel, long stride, long padding) {
        return pool2d(x, Pool2dParams.max(kernel, stride, padding));
    }

    /** PyTorch's {@code avg_pool2d(x, kernel, stride, padding, count_include_pad=countIncludePad)}. */
    public static Tensor avgPool2d(Tensor x, long kernel, long stride, long padding, boolean countIncludePad) {
        return pool2d(x, Pool2dParams.avg(kernel, stride, padding, countIncludePad));
    }

    /** Pooling for inference: no workspace is kept. */
    public static Tensor pool2d(Tensor x, Pool2dParams params) {
        return Dispatch.call1(Pool2dOps.FORWARD, params, x);
    }

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
     * PyTorch's {@code batch_norm}: in training, normalises with the batch statistics and, when the running
     * ones are given, folds the batch statistics into them in place; otherwise normalises with the running
     * statistics. {@code weight} and {@code bias} (C) may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias,
                                   boolean training, BatchNormParams params) {
        return Dispatch.call1(training ? BatchNormOps.TRAINING : BatchNormOps.INFERENCE, params, x, weight, bias,
                runningMean, runningVariance);
    }

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

    /**
     * The hard step of a perceptron: 1 where x > 0, else 0 (also at 0 and -0; NaN is
     * backend-dependent, see {@link EltwiseAlgorithm#STEP}). Forward only: its
     * backward throws IllegalArgumentException.
     */
    public static Tensor step(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.STEP), x);
    }

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
        Dispatch.call(org.jdnn.ops.AdamOps.UPDATE, new org.jdnn.ops.AdamOps.StepParams(params, step), param, grad, expAvg,
                expAvgSq);
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
}
