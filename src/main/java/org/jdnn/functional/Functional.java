package org.jdnn.functional;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

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
        return gemm(params, a, b, null);
    }

    /** PyTorch's linear: {@code x @ weight^T + bias}, weight of shape (out, in), bias (out) or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return gemm(new MatmulParams(false, true), x, weight, bias);
    }

    private static Tensor gemm(MatmulParams params, Tensor a, Tensor b, Tensor bias) {
        MatmulShapes shapes = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), params);
        Tensor out = Tensor.empty(shapes.output());
        return run(out, backend -> backend.matmul(params, a, b, bias, out));
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
        Tensor out = Tensor.empty(x.shape());
        return run(out, backend -> backend.eltwiseForward(params, x, out));
    }

    /** The gradient of {@code f} at {@code x} times {@code gradOutput}, element-wise. */
    public static Tensor activationBackward(EltwiseParams params, Tensor x, Tensor gradOutput) {
        Tensor out = Tensor.empty(x.shape());
        return run(out, backend -> backend.eltwiseBackward(params, x, gradOutput, out));
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
}
