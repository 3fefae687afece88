package org.jdnn.functional;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Eager tensor operations on the current backend ({@link Backends#current()}), PyTorch's
 * {@code torch.nn.functional} in spirit: each call validates, allocates its result and runs one kernel.
 * Results are new tensors owned by the caller (or by the enclosing {@link org.jdnn.tensor.Scope}).
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

    /** Runs a kernel into {@code out}; frees {@code out} if the kernel throws, so a failed call leaks nothing. */
    private static Tensor run(Tensor out, java.util.function.Consumer<Backend> kernel) {
        try {
            kernel.accept(Backends.current());
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

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

    /** {@code a op b} with NumPy broadcasting. */
    /** {@code target += addend} in place ({@code addend} broadcasts to target's shape); returns target. */
    public static Tensor addInPlace(Tensor target, Tensor addend) {
        BinaryParams params = BinaryParams.of(BinaryAlgorithm.ADD);
        Shape shape = BroadcastShapes.broadcast(params.opName(), target.shape(), addend.shape());
        if (!shape.equals(target.shape())) {
            throw new IllegalArgumentException("add_: " + addend.shape() + " does not broadcast to the target's shape "
                    + target.shape());
        }
        Backends.current().binary(params, target, addend, target);
        return target;
    }

    public static Tensor binary(BinaryAlgorithm algorithm, Tensor a, Tensor b) {
        BinaryParams params = BinaryParams.of(algorithm);
        Tensor out = Tensor.empty(BroadcastShapes.broadcast(params.opName(), a.shape(), b.shape()));
        return run(out, backend -> backend.binary(params, a, b, out));
    }

    /** {@code a op scalar} element-wise. */
    public static Tensor binary(BinaryAlgorithm algorithm, Tensor a, float scalar) {
        BinaryParams params = BinaryParams.of(algorithm);
        Tensor out = Tensor.empty(a.shape());
        return run(out, backend -> backend.binaryScalar(params, a, scalar, out));
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
        Tensor out = Tensor.empty(ReductionShapes.infer(params, x.shape()).output());
        return run(out, backend -> backend.reduce(params, x, out));
    }

    /** The gradient wrt the reduction input {@code x}, given its output {@code y} and {@code gradOutput}. */
    public static Tensor reduceBackward(ReductionParams params, Tensor x, Tensor y, Tensor gradOutput) {
        Tensor out = Tensor.empty(x.shape());
        return run(out, backend -> backend.reduceBackward(params, x, y, gradOutput, out));
    }

    // ---- concat ----

    public static Tensor concat(int axis, Tensor... tensors) {
        return concat(axis, Arrays.asList(tensors));
    }

    /** The tensors one after another along {@code axis} (PyTorch's {@code torch.cat}). */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        if (tensors == null || tensors.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("concat: tensors must be a list of non-null tensors");
        }
        Tensor out = Tensor.empty(ConcatShapes.infer("concat", axis, tensors.stream().map(Tensor::shape).toList()).output());
        return run(out, backend -> backend.concat(axis, tensors, out));
    }

    /** Consecutive slices of {@code x} along {@code axis} with the given sizes (which must add up to its size there). */
    public static List<Tensor> split(Tensor x, int axis, long... sizes) {
        List<Shape> shapes = new ArrayList<>();
        for (long size : sizes) {
            if (size < 0) {
                throw new IllegalArgumentException("split: negative size " + size + " in " + Arrays.toString(sizes));
            }
            long[] dims = x.dims();
            dims[org.jdnn.ops.Axes.normalize("split", axis, x.shape())] = size;
            shapes.add(Shape.of(dims));
        }
        ConcatShapes.infer("split", axis, shapes).checkOutput("split", x.shape(), "input");
        List<Tensor> parts = new ArrayList<>();
        try {
            for (Shape shape : shapes) {
                parts.add(Tensor.empty(shape));
            }
            Backends.current().split(axis, x, parts);
            return parts;
        } catch (RuntimeException | Error e) {
            parts.forEach(Tensor::close);
            throw e;
        }
    }

    // ---- dropout ----

    /** The dropout mask for {@code shape}: 0 or {@code 1/(1-p)} per element, from the params' seed. */
    public static Tensor dropoutMask(DropoutParams params, Shape shape) {
        return Tensor.of(DropoutMask.generate(params, shape.numel()), shape.dims());
    }

    /** Training: {@code x * mask} with the mask of the params' seed; inference: a copy of {@code x}. */
    public static Tensor dropout(Tensor x, DropoutParams params) {
        return applyDropout("dropout", x, params);
    }

    /** The gradient of dropout: {@code gradOutput * mask} with the same mask as forward (same seed). */
    public static Tensor dropoutBackward(Tensor gradOutput, DropoutParams params) {
        return applyDropout("dropout backward", gradOutput, params);
    }

    private static Tensor applyDropout(String op, Tensor x, DropoutParams params) {
        if (x == null) {
            throw new IllegalArgumentException(op + ": input is null");
        }
        if (x.isClosed()) {
            throw new IllegalStateException(op + ": input " + x.shape() + " is closed");
        }
        if (!params.training()) {
            return x.copy();
        }
        try (Tensor mask = dropoutMask(params, x.shape())) {
            return binary(BinaryAlgorithm.MUL, x, mask);
        }
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
        Tensor out = Tensor.empty(Pool2dShapes.infer(params, x.shape()).output());
        return run(out, backend -> backend.pool2dForward(params, x, out, null));
    }

    /** Pooling for training: the output and, for max pooling, the workspace {@link #pool2dBackward} needs. */
    public static Pool2dResult pool2dTraining(Tensor x, Pool2dParams params) {
        Backend backend = Backends.current();
        Tensor out = Tensor.empty(Pool2dShapes.infer(params, x.shape()).output());
        Pool2dWorkspace workspace = null;
        try {
            workspace = backend.pool2dWorkspace(params, x.shape());
            backend.pool2dForward(params, x, out, workspace);
            return new Pool2dResult(out, workspace);
        } catch (RuntimeException | Error e) {
            out.close();
            if (workspace != null) {
                workspace.close();
            }
            throw e;
        }
    }

    /** The input gradient of pooling over input shape {@code inputShape}; max pooling needs its forward's workspace. */
    public static Tensor pool2dBackward(Pool2dParams params, Tensor gradOutput, Pool2dWorkspace workspace,
                                        Shape inputShape) {
        Pool2dShapes.infer(params, inputShape);
        Tensor out = Tensor.empty(inputShape);
        return run(out, backend -> backend.pool2dBackward(params, gradOutput, workspace, out));
    }

    // ---- batchnorm ----

    /**
     * PyTorch's {@code batch_norm}: in training, normalises with the batch statistics and, when the running
     * ones are given, folds the batch statistics into them in place; otherwise normalises with the running
     * statistics. {@code weight} and {@code bias} (C) may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias,
                                   boolean training, BatchNormParams params) {
        if (training) {
            BatchNormResult result = batchNormTraining(x, weight, bias, runningMean, runningVariance, params);
            result.mean().close();
            result.variance().close();
            return result.output();
        }
        if (runningMean == null || runningVariance == null) {
            throw new IllegalArgumentException("batchnorm: inference needs running mean and variance");
        }
        Tensor out = Tensor.empty(x.shape());
        return run(out, backend -> backend.batchNormForward(params, false, x, weight, bias, runningMean,
                runningVariance, out));
    }

    /**
     * A training batch-norm forward that keeps the batch mean and biased variance for
     * {@link #batchNormBackward}; updates {@code runningMean}/{@code runningVariance} when given (both or neither).
     */
    public static BatchNormResult batchNormTraining(Tensor x, Tensor weight, Tensor bias, Tensor runningMean,
                                                    Tensor runningVariance, BatchNormParams params) {
        if ((runningMean == null) != (runningVariance == null)) {
            throw new IllegalArgumentException("batchnorm: give both running mean and running variance, or neither");
        }
        BatchNormShapes shapes = BatchNormShapes.infer(x.shape(), true);
        Backend backend = Backends.current();
        Tensor out = Tensor.empty(x.shape());
        Tensor mean = Tensor.empty(shapes.channels());
        Tensor variance = Tensor.empty(shapes.channels());
        try {
            backend.batchNormForward(params, true, x, weight, bias, mean, variance, out);
            if (runningMean != null) {
                backend.batchNormUpdateRunningStats(params, shapes.count(), mean, variance, runningMean, runningVariance);
            }
            return new BatchNormResult(out, mean, variance);
        } catch (RuntimeException | Error e) {
            out.close();
            mean.close();
            variance.close();
            throw e;
        }
    }

    /**
     * Gradients of batch normalization given the statistics the forward used (batch ones in training,
     * running ones otherwise); scale and shift gradients only when {@code parameterGradients}.
     */
    public static BatchNormGradients batchNormBackward(BatchNormParams params, boolean training, Tensor x,
                                                       Tensor gradOutput, Tensor weight, Tensor mean, Tensor variance,
                                                       boolean parameterGradients) {
        BatchNormShapes shapes = BatchNormShapes.infer(x.shape(), training);
        Tensor dx = Tensor.empty(x.shape());
        Tensor dScale = parameterGradients && weight != null ? Tensor.empty(shapes.channels()) : null;
        Tensor dShift = parameterGradients ? Tensor.empty(shapes.channels()) : null;
        BatchNormGradients grads = new BatchNormGradients(dx, dScale, dShift);
        try {
            Backends.current().batchNormBackward(params, training, x, gradOutput, weight, mean, variance, dx, dScale, dShift);
            return grads;
        } catch (RuntimeException | Error e) {
            grads.close();
            throw e;
        }
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
        Backends.current().sgdUpdate(params, param, grad, momentumBuffer, firstStep);
    }

    /** One AdaGrad step in place; see {@link org.jdnn.ops.AdagradParams}. */
    public static void adagradUpdate(org.jdnn.ops.AdagradParams params, long step, Tensor param, Tensor grad, Tensor sum) {
        Backends.current().adagradUpdate(params, step, param, grad, sum);
    }

    /** One RMSProp step in place; see {@link org.jdnn.ops.RmspropParams}. */
    public static void rmspropUpdate(org.jdnn.ops.RmspropParams params, Tensor param, Tensor grad, Tensor squareAvg,
                                     Tensor gradAvg, Tensor momentumBuffer) {
        Backends.current().rmspropUpdate(params, param, grad, squareAvg, gradAvg, momentumBuffer);
    }

    /** One Adam/AdamW step in place; see {@link org.jdnn.ops.AdamParams}. */
    public static void adamUpdate(org.jdnn.ops.AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg,
                                  Tensor expAvgSq) {
        Backends.current().adamUpdate(params, step, param, grad, expAvg, expAvgSq);
    }

    /** {@code target *= factor} in place; returns target. */
    public static Tensor mulInPlace(Tensor target, float factor) {
        Backends.current().binaryScalar(BinaryParams.of(BinaryAlgorithm.MUL), target, factor, target);
        return target;
    }

    /** Overwrites {@code target}'s elements with {@code source}'s (same shape), in place; returns target. */
    public static Tensor copyInto(Tensor target, Tensor source) {
        if (!target.shape().equals(source.shape())) {
            throw new IllegalArgumentException("copy_: source shape " + source.shape() + " != target shape " + target.shape());
        }
        // 0 + x is exactly x, so this is an exact copy through the backend's in-place add.
        target.fill(0f);
        return addInPlace(target, source);
    }
}
