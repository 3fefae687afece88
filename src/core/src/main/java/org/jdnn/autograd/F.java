package org.jdnn.autograd;

import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Axes;
import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.FusedConv2dOps;
import org.jdnn.ops.FusedLinearOps;
import org.jdnn.ops.PostOps;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.IndexOps;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PowOps;
import org.jdnn.ops.Precision;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.SignOps;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.ViewOps;
import org.jdnn.tensor.Idx;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.ValuesIndices;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The differentiable ops, as users call them (PyTorch's {@code torch.nn.functional} in spirit). Each is one line over
 * the op table: {@link Calls#call} dispatches the op to the backend that owns its operands and, when recording, keeps
 * the op's declared derivative for backward. The derivatives live with the ops ({@code org.jdnn.ops.*Ops}), not here.
 *
 * <pre>{@code
 * import static org.jdnn.autograd.F.*;
 * Tensor loss = crossEntropy(linear(relu(linear(x, w1, b1)), w2, b2), labels);
 * loss.backward();   // w1.grad(), b1.grad(), ... now hold the gradients
 * }</pre>
 */
public final class F {
    private F() {
    }

    // ---- matrix products ----

    /**
     * {@code torch.matmul(a, b)}: 1-D operands (a vector times a vector is their dot product, rank 0), matrices, and
     * batches of matrices whose batch dimensions broadcast, at any rank.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return Calls.call(MatmulOps.MATMUL, Autocast.apply(MatmulParams.PLAIN), a, b, null);
    }

    /** {@code op(a) @ op(b)} with the transposes in {@code params}. */
    public static Tensor matmul(Tensor a, Tensor b, MatmulParams params) {
        return Calls.call(MatmulOps.MATMUL, Autocast.apply(params), a, b, null);
    }

    /**
     * PyTorch's linear: {@code x @ weight^T + bias} with x (..., in) of any rank >= 1, weight (out, in) (or (in)),
     * bias (out) or null; the result is (..., out). Weight and bias gradients sum over all leading dimensions.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        MatmulOps.checkLinearWeight(weight);
        return Calls.call(MatmulOps.MATMUL, Autocast.apply(MatmulOps.LINEAR), x, weight, bias);
    }

    // ---- arithmetic with broadcasting ----

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

    /** Element-wise maximum, NaN propagating; where equal, the gradient is split in halves, as PyTorch's. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.MAX, a, b);
    }

    /** Element-wise minimum, NaN propagating; where equal, the gradient is split in halves, as PyTorch's. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.MIN, a, b);
    }

    /** {@code a op b} with broadcasting; the gradient of a broadcast operand is summed back to its shape. */
    public static Tensor binary(BinaryAlgorithm algorithm, Tensor a, Tensor b) {
        return Calls.call(BinaryOps.BINARY, BinaryParams.of(algorithm), a, b);
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

    /** {@code a op scalar} element-wise. */
    public static Tensor binary(BinaryAlgorithm algorithm, Tensor a, float scalar) {
        return Calls.call(BinaryOps.BINARY_SCALAR, new BinaryOps.ScalarParams(algorithm, scalar), a);
    }

    public static Tensor neg(Tensor a) {
        return mul(a, -1f);
    }

    /** {@code a * a}. */
    public static Tensor square(Tensor a) {
        return mul(a, a);
    }

    /** |a|, with gradient sign(a): 0 at 0, as PyTorch's. */
    public static Tensor abs(Tensor a) {
        return Calls.call(SignOps.ABS, NoParams.INSTANCE, a);
    }

    /** sign(a): 1, -1, or 0 at +-0 and NaN (PyTorch's); its gradient is 0. */
    public static Tensor sign(Tensor a) {
        return Calls.call(SignOps.SIGN, NoParams.INSTANCE, a);
    }

    // ---- activations ----

    public static Tensor activation(EltwiseParams params, Tensor x) {
        return Calls.call(EltwiseOps.FORWARD, params, x);
    }

    public static Tensor relu(Tensor x) {
        return activation(EltwiseParams.relu(), x);
    }

    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return activation(EltwiseParams.leakyRelu(negativeSlope), x);
    }

    public static Tensor elu(Tensor x, float alpha) {
        return activation(new EltwiseParams(EltwiseAlgorithm.ELU, alpha), x);
    }

    public static Tensor sigmoid(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.SIGMOID), x);
    }

    public static Tensor tanh(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.TANH), x);
    }

    /** log(1 + exp(beta x)) / beta, and x where beta x > 20 (PyTorch's default threshold). */
    public static Tensor softplus(Tensor x, float beta) {
        return activation(new EltwiseParams(EltwiseAlgorithm.SOFTPLUS, beta), x);
    }

    /** GELU, exact (erf) form; {@link #geluTanh} is the tanh approximation. */
    public static Tensor gelu(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.GELU_ERF), x);
    }

    public static Tensor geluTanh(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.GELU_TANH), x);
    }

    /**
     * The perceptron's step, {@code heaviside(x, 1)}: 1 where x >= 0 (0 and -0 included), 0 below 0 and at NaN. Note:
     * it gave 0 at 0 before; {@code heaviside(x, 0)} is that convention. Forward only: its derivative throws
     * IllegalArgumentException.
     */
    public static Tensor step(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.STEP), x);
    }

    // ---- softmax ----

    public static Tensor softmax(Tensor x, int axis) {
        return softmax(SoftmaxParams.softmax(axis), x);
    }

    /** log(softmax(x)) computed stably. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return softmax(SoftmaxParams.logSoftmax(axis), x);
    }

    /** Softmax or log-softmax ({@code params.log()}) over {@code params.axis()}. */
    public static Tensor softmax(SoftmaxParams params, Tensor x) {
        return Calls.call(SoftmaxOps.FORWARD, params, x);
    }

    // ---- reductions ----

    /** Sum over {@code axes} (all when none are given). */
    public static Tensor sum(Tensor x, boolean keepDim, int... axes) {
        ReductionParams params = ReductionParams.of(ReductionAlgorithm.SUM, keepDim, axes);
        if (x != null && (x.dtype() == org.jdnn.tensor.DType.INT64 || x.dtype() == org.jdnn.tensor.DType.BOOL)) {
            return integerSum(params, x);
        }
        return reduce(params, x);
    }

    /**
     * PyTorch sums bool and int64 tensors to int64 ({@code (pred == labels).sum()} counts). The reduction kernels take
     * floating dtypes, so the sum runs in float64 and converts back: exact while every partial sum stays below 2^53
     * in magnitude (any count of booleans a tensor can hold).
     */
    private static Tensor integerSum(ReductionParams params, Tensor x) {
        try (Tensor wide = to(x, org.jdnn.tensor.DType.FLOAT64); Tensor total = reduce(params, wide)) {
            return to(total, org.jdnn.tensor.DType.INT64);
        }
    }

    public static Tensor sum(Tensor x) {
        return sum(x, false);
    }

    /** Mean over {@code axes} (all when none are given). */
    public static Tensor mean(Tensor x, boolean keepDim, int... axes) {
        return reduce(ReductionParams.of(ReductionAlgorithm.MEAN, keepDim, axes), x);
    }

    public static Tensor mean(Tensor x) {
        return mean(x, false);
    }

    /** Max over {@code axes}; the gradient goes to the first maximum of each slice. */
    public static Tensor max(Tensor x, boolean keepDim, int... axes) {
        return reduce(ReductionParams.of(ReductionAlgorithm.MAX, keepDim, axes), x);
    }

    /** The reduction {@code params} describes (sum, mean or max over its axes). */
    public static Tensor reduce(ReductionParams params, Tensor x) {
        return Calls.call(ReductionOps.REDUCE, params, x);
    }

    // ---- shape ----

    /** Flattens every dimension from {@code startDim} on into one (PyTorch's flatten; differentiable view). */
    public static Tensor flatten(Tensor x, int startDim) {
        long[] dims = x.dims();
        int start = startDim < 0 ? dims.length + startDim : startDim;
        if (start < 0 || start >= Math.max(dims.length, 1)) {
            throw new IllegalArgumentException("flatten: start dim " + startDim + " out of range for shape " + x.shape());
        }
        long[] flat = Arrays.copyOf(dims, start + 1);
        flat[start] = 1;
        for (int i = start; i < dims.length; i++) {
            flat[start] *= dims[i];
        }
        return x.reshape(flat);
    }

    /** Concatenation along {@code axis}; the gradient is split back. */
    public static Tensor concat(int axis, Tensor... tensors) {
        return Calls.call(ConcatOps.CONCAT, new ConcatOps.ConcatParams(axis), tensors);
    }

    /** The tensors one after another along {@code axis} (PyTorch's {@code torch.cat}). */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException("concat: tensors is null");
        }
        return concat(axis, tensors.toArray(new Tensor[0]));
    }

    // ---- regularisation ----

    /** Dropout with keep-scaling; identity when not training. The mask is drawn from {@code seed}. */
    public static Tensor dropout(Tensor x, float p, boolean training, long seed) {
        DropoutParams params = new DropoutParams(p, training, seed);
        if (!training || p == 0f) {
            return x.reshape(x.dims());
        }
        return Calls.call(DropoutOps.DROPOUT, params, x);
    }

    /** Dropout as {@code params} says: training scales the kept elements, inference copies. */
    public static Tensor dropout(Tensor x, DropoutParams params) {
        return Calls.call(DropoutOps.DROPOUT, params, x);
    }

    // ---- convolution and pooling ----

    /** PyTorch's conv2d: x (N, C, H, W), weight (O, C/groups, KH, KW), bias (O) or null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        return Calls.call(Conv2dOps.FORWARD, Autocast.apply(params), x, weight, bias);
    }

    /**
     * conv2d with its post-ops in one call, for inference: {@code relu?(conv2d(x, weight, bias) + residual?)}
     * ({@link PostOps}: the residual is given exactly when {@code postOps.sum()}). Not differentiable: with grad mode
     * on, an operand that requires grad is refused. On a backend without a kernel of its own for it (cuda) it runs as
     * conv2d, add and relu, the same numbers unfused.
     */
    public static Tensor conv2dFused(Tensor x, Tensor weight, Tensor bias, Tensor residual, Conv2dParams params,
                                     PostOps postOps) {
        FusedConv2dOps.Params p = new FusedConv2dOps.Params(Autocast.apply(params), postOps);
        refuseGrad("conv2d_fused", new String[] {"input", "weight", "bias", "residual"}, x, weight, bias, residual);
        if (x == null || Dispatch.hasOwnKernel(FusedConv2dOps.FORWARD, x.device())) {
            return Calls.call(FusedConv2dOps.FORWARD, p, x, weight, bias, residual);
        }
        FusedConv2dOps.FORWARD.outputShapes(p, new Shape[] {x.shape(), shape(weight), shape(bias), shape(residual)});
        Tensor y = Calls.call(Conv2dOps.FORWARD, p.conv(), x, weight, bias);
        if (residual != null) {
            Tensor sum = add(y, residual);
            y.close();
            y = sum;
        }
        if (postOps.relu()) {
            Tensor clamped = relu(y);
            y.close();
            y = clamped;
        }
        return y;
    }

    /**
     * {@code relu(linear(x, weight, bias))} in one call, for inference (oneDNN's matmul with a ReLU post-op). Not
     * differentiable: with grad mode on, an operand that requires grad is refused. On a backend without a kernel of
     * its own for it (cuda), and under a bf16 autocast, it runs as linear and relu.
     */
    public static Tensor linearRelu(Tensor x, Tensor weight, Tensor bias) {
        refuseGrad("linear_fused", new String[] {"input", "weight", "bias"}, x, weight, bias);
        // linear_fused runs float32; under a bf16 autocast the composition's linear takes the autocast's precision.
        boolean float32 = Autocast.apply(MatmulOps.LINEAR).precision() == Precision.FP32;
        if (x == null || float32 && Dispatch.hasOwnKernel(FusedLinearOps.FORWARD, x.device())) {
            return Calls.call(FusedLinearOps.FORWARD, new FusedLinearOps.Params(true), x, weight, bias);
        }
        Tensor y = linear(x, weight, bias);
        Tensor clamped = relu(y);
        y.close();
        return clamped;
    }

    /** Refuses, for an inference-only op, an operand that requires grad while grad mode is on. */
    private static void refuseGrad(String op, String[] names, Tensor... operands) {
        if (!Autograd.isGradEnabled()) {
            return;
        }
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] != null && operands[i].requiresGrad()) {
                throw new IllegalStateException(op + ": " + names[i] + " requires grad, but " + op + " is for "
                        + "inference only (no backward); call it under Autograd.noGrad() or on detached tensors");
            }
        }
    }

    private static Shape shape(Tensor t) {
        return t == null ? null : t.shape();
    }

    /** conv2d with stride 1, no padding, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, Conv2dParams.DEFAULT);
    }

    /** PyTorch's conv_transpose2d: x (N, C, H, W), weight (C, O/groups, KH, KW), bias (O) or null. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return Calls.call(ConvTranspose2dOps.FORWARD, Autocast.apply(params), x, weight, bias);
    }

    /** Max or average pooling; when recording, max pooling keeps its workspace in the graph for backward. */
    public static Tensor pool2d(Tensor x, Pool2dParams params) {
        return Calls.call(Autograd.isGradEnabled() && x.requiresGrad() ? Pool2dOps.TRAINING : Pool2dOps.FORWARD,
                params, x);
    }

    public static Tensor maxPool2d(Tensor x, long kernel, long stride, long padding) {
        return pool2d(x, Pool2dParams.max(kernel, stride, padding));
    }

    public static Tensor avgPool2d(Tensor x, long kernel, long stride, long padding) {
        return pool2d(x, Pool2dParams.avg(kernel, stride, padding, true));
    }

    /** PyTorch's {@code avg_pool2d(x, kernel, stride, padding, count_include_pad=countIncludePad)}. */
    public static Tensor avgPool2d(Tensor x, long kernel, long stride, long padding, boolean countIncludePad) {
        return pool2d(x, Pool2dParams.avg(kernel, stride, padding, countIncludePad));
    }

    /**
     * Batch normalisation over the channel dimension of (N, C) or (N, C, H, W) input. Training uses the batch
     * statistics and updates the running ones (if given) with momentum; evaluation uses the running ones.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias,
                                   boolean training, BatchNormParams params) {
        return Calls.call(training ? BatchNormOps.TRAINING : BatchNormOps.INFERENCE, params, x, weight, bias,
                runningMean, runningVariance);
    }

    // ---- log ----

    /**
     * Natural logarithm, element-wise, as PyTorch's {@code torch.log}: log(0) is -infinity, negative inputs give NaN,
     * and the gradient is {@code g / x} everywhere (infinite at 0; the clamped form below gives 0 there).
     */
    public static Tensor log(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.LOG), x);
    }

    /**
     * {@code max(log(x), min)} element-wise (PyTorch's binary cross-entropy clamps its logs at -100); the
     * gradient {@code 1/x} flows only where the log is above the clamp, so x = 0 gives a zero gradient, not NaN.
     */
    public static Tensor log(Tensor x, float min) {
        return Calls.call(EltwiseOps.LOG, new EltwiseOps.LogParams(min), x);
    }

    // ---- views ----
    // jdnn tensors are dense and row-major, without strides: view/reshape, squeeze, unsqueeze, flatten and contiguous
    // share the storage (writes through one are seen by the other); permute, transpose, t, expand, slice, narrow,
    // select, cat, stack, split and chunk write a dense copy (PyTorch shares storage for most of these).

    /** The same elements in another shape, sharing the storage; one size may be -1 (inferred). PyTorch's {@code view}. */
    public static Tensor view(Tensor x, long... shape) {
        return x.reshape(shape);
    }

    /** As {@link #view}: jdnn tensors are always contiguous, so reshape never needs to copy. */
    public static Tensor reshape(Tensor x, long... shape) {
        return x.reshape(shape);
    }

    /** The dimensions reordered: output dimension i is input dimension {@code dims[i]}. A copy (PyTorch: a view). */
    public static Tensor permute(Tensor x, int... dims) {
        return Calls.call(ViewOps.PERMUTE, new ViewOps.PermuteParams(dims), x);
    }

    /** PyTorch's {@code clone()}: a dense copy of the elements that stays in the graph (the identity permute). */
    public static Tensor clone(Tensor x) {
        int[] identity = new int[x.rank()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        return permute(x, identity);
    }

    /** Dimensions {@code dim0} and {@code dim1} swapped (a permute). A copy (PyTorch: a view). */
    public static Tensor transpose(Tensor x, int dim0, int dim1) {
        int rank = x.rank();
        int a = Axes.normalize("transpose", dim0, x.shape());
        int b = Axes.normalize("transpose", dim1, x.shape());
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    /**
     * The transpose of a matrix (rank 2, a copy); a tensor of rank 0 or 1 comes back as it is (a view), as in PyTorch.
     * Higher ranks are refused: use {@link #transpose} or {@link #permute}.
     */
    public static Tensor t(Tensor x) {
        if (x.rank() > 2) {
            throw new IllegalArgumentException("t: expects a tensor of rank <= 2, got shape " + x.shape()
                    + " (use transpose(dim0, dim1) or permute)");
        }
        return x.rank() < 2 ? x.reshape(x.dims()) : transpose(x, 0, 1);
    }

    /**
     * The tensor repeated along its size-1 dimensions (and new leading ones) to {@code sizes}; -1 keeps a size. The
     * gradient sums back. A copy (PyTorch: a view with stride 0, which jdnn has not).
     */
    public static Tensor expand(Tensor x, long... sizes) {
        return Calls.call(ViewOps.EXPAND, new ViewOps.ExpandParams(sizes), x);
    }

    /** {@code x} expanded to {@code other}'s shape. */
    public static Tensor expandAs(Tensor x, Tensor other) {
        return expand(x, other.dims());
    }

    /** Every size-1 dimension removed (a view). */
    public static Tensor squeeze(Tensor x) {
        return x.reshape(Arrays.stream(x.dims()).filter(d -> d != 1).toArray());
    }

    /** Dimension {@code dim} removed if its size is 1, else the same shape (a view), as PyTorch. */
    public static Tensor squeeze(Tensor x, int dim) {
        if (x.rank() == 0) {
            dimIn("squeeze", dim, 1, x.shape()); // a scalar takes dim 0 or -1, as PyTorch
            return x.reshape();
        }
        int d = Axes.normalize("squeeze", dim, x.shape());
        long[] dims = x.dims();
        if (dims[d] != 1) {
            return x.reshape(dims);
        }
        long[] out = new long[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != d) {
                out[j++] = dims[i];
            }
        }
        return x.reshape(out);
    }

    /** A size-1 dimension inserted at {@code dim}, in [-rank-1, rank] (a view). */
    public static Tensor unsqueeze(Tensor x, int dim) {
        long[] dims = x.dims();
        int d = dimIn("unsqueeze", dim, dims.length + 1, x.shape());
        long[] out = new long[dims.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == d ? 1 : dims[j++];
        }
        return x.reshape(out);
    }

    /**
     * Dimensions {@code startDim} to {@code endDim} (inclusive, negative counts from the end) merged into one (a view);
     * a scalar becomes shape [1], as PyTorch.
     */
    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        long[] dims = x.dims();
        int start = dimIn("flatten", startDim, Math.max(dims.length, 1), x.shape());
        int end = dimIn("flatten", endDim, Math.max(dims.length, 1), x.shape());
        if (start > end) {
            throw new IllegalArgumentException("flatten: start dim " + startDim + " comes after end dim " + endDim
                    + " for shape " + x.shape());
        }
        if (dims.length == 0) {
            return x.reshape(1);
        }
        long[] out = new long[dims.length - (end - start)];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i <= start || i > end) {
                out[j++] = dims[i];
            } else {
                out[j - 1] *= dims[i];
            }
        }
        return x.reshape(out);
    }

    /** The same tensor (a view of the same storage): jdnn tensors are always contiguous. */
    public static Tensor contiguous(Tensor x) {
        return x.reshape(x.dims());
    }

    /**
     * Python's {@code x[..., start:end:step, ...]} along {@code dim}: negative start and end count from the end, both
     * are clamped to the size (Long.MAX_VALUE means "to the end"), step > 0. A copy; the gradient scatters back.
     */
    public static Tensor slice(Tensor x, int dim, long start, long end, long step) {
        return Calls.call(ViewOps.SLICE, new ViewOps.SliceParams(dim, start, end, step), x);
    }

    /** {@code x[..., start:end, ...]} along {@code dim} (step 1). */
    public static Tensor slice(Tensor x, int dim, long start, long end) {
        return slice(x, dim, start, end, 1);
    }

    /**
     * {@code length} indices from {@code start} along {@code dim} (start in [-size, size], negative counts from the
     * end; start + length must not pass the end). A copy (PyTorch: a view).
     */
    public static Tensor narrow(Tensor x, int dim, long start, long length) {
        int d = Axes.normalize("narrow", dim, x.shape());
        long size = x.size(d);
        if (start < -size || start > size) {
            throw new IllegalArgumentException("narrow: start " + start + " out of range [" + -size + ", " + size
                    + "] for dimension " + dim + " of shape " + x.shape());
        }
        long s = start < 0 ? start + size : start;
        if (length < 0) {
            throw new IllegalArgumentException("narrow: length " + length + " must be >= 0");
        }
        if (s + length > size) {
            throw new IllegalArgumentException("narrow: start " + start + " + length " + length
                    + " exceeds the size " + size + " of dimension " + dim + " of shape " + x.shape());
        }
        return slice(x, d, s, s + length, 1);
    }

    /** Index {@code index} (negative counts from the end) along {@code dim}, which is dropped. A copy (PyTorch: a view). */
    public static Tensor select(Tensor x, int dim, long index) {
        int d = Axes.normalize("select", dim, x.shape());
        long size = x.size(d);
        if (index < -size || index >= size) {
            throw new IllegalArgumentException("select: index " + index + " out of range for dimension " + dim
                    + " of size " + size + " (shape " + x.shape() + ")");
        }
        long i = index < 0 ? index + size : index;
        long[] dims = x.dims();
        long[] out = new long[dims.length - 1];
        for (int k = 0, j = 0; k < dims.length; k++) {
            if (k != d) {
                out[j++] = dims[k];
            }
        }
        Tensor row = slice(x, d, i, i + 1, 1);
        Tensor selected = row.reshape(out);
        closeUntracked(row);
        return selected;
    }

    /** PyTorch's {@code torch.cat(tensors, dim)}: the tensors one after another along {@code dim}. A copy. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return concat(dim, tensors);
    }

    /** {@code torch.cat} of the given tensors along {@code dim}. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return concat(dim, tensors);
    }

    /** PyTorch's {@code torch.stack(tensors, dim)}: equal shapes joined along a new dimension {@code dim}. A copy. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i) == null) {
                throw new IllegalArgumentException("stack: tensor " + i + " is null");
            }
        }
        Shape first = tensors.getFirst().shape();
        for (int i = 1; i < tensors.size(); i++) {
            if (!tensors.get(i).shape().equals(first)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + tensors.get(i).shape()
                        + " but tensor 0 has " + first + "; stack needs equal shapes");
            }
        }
        int d = dimIn("stack", dim, first.rank() + 1, first);
        Tensor[] parts = new Tensor[tensors.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = unsqueeze(tensors.get(i), d);
        }
        Tensor out = concat(d, parts);
        for (Tensor part : parts) {
            closeUntracked(part);
        }
        return out;
    }

    /** {@code torch.stack} of the given tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return stack(tensors == null ? null : Arrays.asList(tensors), dim);
    }

    /**
     * PyTorch's {@code split(splitSize, dim)}: consecutive parts of {@code splitSize} along {@code dim}, the last one
     * smaller if the size does not divide. Each part is a copy (PyTorch: views); gradients flow back to {@code x}.
     */
    public static List<Tensor> split(Tensor x, long splitSize, int dim) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException("split: expects a tensor of rank >= 1, got a scalar");
        }
        int d = Axes.normalize("split", dim, x.shape());
        long size = x.size(d);
        if (splitSize < 0 || (splitSize == 0 && size != 0)) {
            throw new IllegalArgumentException("split: split size " + splitSize + " must be > 0 (0 only for a "
                    + "dimension of size 0), dimension " + dim + " of shape " + x.shape());
        }
        long count = splitSize == 0 ? 1 : Math.max(1, (size + splitSize - 1) / splitSize);
        long[] sizes = new long[Math.toIntExact(count)];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Math.min(splitSize, size - i * splitSize);
        }
        return split(x, sizes, d);
    }

    /** PyTorch's {@code split(sizes, dim)}: consecutive parts of the given sizes (adding up to the size of dim). */
    public static List<Tensor> split(Tensor x, long[] sizes, int dim) {
        if (sizes == null) {
            throw new IllegalArgumentException("split: sizes is null");
        }
        if (x.rank() == 0) {
            throw new IllegalArgumentException("split: expects a tensor of rank >= 1, got a scalar");
        }
        int d = Axes.normalize("split", dim, x.shape());
        long total = 0;
        for (long size : sizes) {
            if (size < 0) {
                throw new IllegalArgumentException("split: negative size " + size + " in "
                        + Arrays.toString(sizes));
            }
            total += size;
        }
        if (total != x.size(d)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to "
                    + total + ", not the size " + x.size(d) + " of dimension " + dim + " of shape " + x.shape());
        }
        List<Tensor> parts = new ArrayList<>(sizes.length);
        long offset = 0;
        for (long size : sizes) {
            parts.add(slice(x, d, offset, offset + size, 1));
            offset += size;
        }
        return List.copyOf(parts);
    }

    /**
     * PyTorch's {@code chunk(chunks, dim)}: {@code ceil(size / chunks)}-sized parts (so possibly fewer than
     * {@code chunks}); a dimension of size 0 gives {@code chunks} empty parts. Copies.
     */
    public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: chunks " + chunks + " must be > 0");
        }
        if (x.rank() == 0) {
            throw new IllegalArgumentException("chunk: expects a tensor of rank >= 1, got a scalar");
        }
        int d = Axes.normalize("chunk", dim, x.shape());
        long size = x.size(d);
        if (size == 0) {
            return split(x, new long[chunks], d);
        }
        return split(x, (size + chunks - 1) / chunks, d);
    }

    /**
     * Python-style indexing, one {@link Idx} per leading dimension: {@code index(x, Idx.all(), Idx.range(1, 5, 2),
     * Idx.at(0))} is {@code x[:, 1:5:2, 0]}. Ranges slice (a copy), {@code at} selects (a copy, the dimension dropped);
     * with only {@code all()} it is a view. Gradients flow back to {@code x}.
     */
    public static Tensor index(Tensor x, Idx... indices) {
        if (indices == null) {
            throw new IllegalArgumentException("index: indices is null");
        }
        int positional = 0;
        for (Idx idx : indices) {
            if (idx == null) {
                throw new IllegalArgumentException("index: a null index in " + Arrays.toString(indices));
            }
            positional++;
        }
        if (positional > x.rank()) {
            throw new IllegalArgumentException("index: " + positional + " indices " + Arrays.toString(indices)
                    + " for shape " + x.shape() + " of rank " + x.rank());
        }
        Tensor current = x.reshape(x.dims());
        int dim = 0;
        for (Idx idx : indices) {
            Tensor next = switch (idx) {
                case Idx.All all -> null;
                case Idx.At at -> select(current, dim, at.index());
                case Idx.Range range -> slice(current, dim, range.start(), range.end(), range.step());
            };
            if (!(idx instanceof Idx.At)) {
                dim++;
            }
            if (next != null) {
                closeUntracked(current);
                current = next;
            }
        }
        return current;
    }

    /** {@code dim} in [0, range), where [-range, range) is allowed; throws naming the op, the dim and the shape. */
    private static int dimIn(String op, int dim, int range, Shape shape) {
        if (dim < -range || dim >= range) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for shape " + shape
                    + " (expected " + -range + " <= dim < " + range + ")");
        }
        return dim < 0 ? dim + range : dim;
    }

    /** Closes a temporary that no graph refers to (one that tracks no gradient); a tracked one stays for backward. */
    private static void closeUntracked(Tensor temporary) {
        if (!temporary.requiresGrad()) {
            temporary.close();
        }
    }

    // ---- matmul ----

    /** {@code torch.bmm(a, b)}: (B, M, K) @ (B, K, N) -> (B, M, N), the same B on both (no broadcasting). */
    public static Tensor bmm(Tensor a, Tensor b) {
        return Calls.call(MatmulOps.BMM, NoParams.INSTANCE, a, b);
    }

    /**
     * {@code torch.einsum(equation, operands)} for one or two operands, e.g. {@code "ij,jk->ik"}, {@code "bij,bjk->bik"},
     * {@code "i,i->"}, {@code "i,j->ij"}, {@code "bhqd,bhkd->bhqk"}, {@code "ij->ji"}; indices missing from the output
     * are summed. Composed of sum, permute, reshape and one batched matmul (no kernel of its own), so differentiable.
     * Refused, naming the subscript: the ellipsis, a letter repeated within one operand, sizes that differ.
     */
    public static Tensor einsum(String equation, Tensor... operands) {
        return Einsum.einsum(equation, operands);
    }

    // ---- element-wise math ----

    /** exp(x); gradient {@code g exp(x)}. */
    public static Tensor exp(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.EXP), x);
    }

    /** log(1 + x), accurate for small x; gradient {@code g / (1 + x)}. */
    public static Tensor log1p(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.LOG1P), x);
    }

    /** exp(x) - 1, accurate for small x; gradient {@code g exp(x)}. */
    public static Tensor expm1(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.EXPM1), x);
    }

    /** sqrt(x) (NaN below 0); gradient {@code g / (2 sqrt(x))}, infinite at 0 as PyTorch's. */
    public static Tensor sqrt(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.SQRT), x);
    }

    /** 1 / sqrt(x); gradient {@code -g / (2 x^1.5)}. */
    public static Tensor rsqrt(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.RSQRT), x);
    }

    public static Tensor sin(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.SIN), x);
    }

    public static Tensor cos(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.COS), x);
    }

    /** x sigmoid(x) (SiLU, swish), with PyTorch's formulas (silu(-Inf) is NaN there too). */
    public static Tensor silu(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.SILU), x);
    }

    /** log(sigmoid(x)), stable for large |x| (about x at -100, about -exp(-x) at 100, never -Inf for finite x). */
    public static Tensor logSigmoid(Tensor x) {
        return activation(EltwiseParams.of(EltwiseAlgorithm.LOG_SIGMOID), x);
    }

    /** hardtanh with [-1, 1]. */
    public static Tensor hardtanh(Tensor x) {
        return hardtanh(x, -1f, 1f);
    }

    /**
     * x clamped to [minVal, maxVal]; the gradient passes strictly inside only (0 at the bounds, as PyTorch's
     * hardtanh_backward, unlike {@link #clamp}); minVal > maxVal is refused.
     */
    public static Tensor hardtanh(Tensor x, float minVal, float maxVal) {
        return activation(new EltwiseParams(EltwiseAlgorithm.HARDTANH, minVal, maxVal), x);
    }

    /**
     * PyTorch's {@code clamp(x, min, max)}: NaN propagates, min > max gives max everywhere; the gradient passes inside
     * and at the bounds, 0 outside and at NaN. -Inf/+Inf stand for an absent bound ({@link #clampMin},
     * {@link #clampMax}); NaN bounds are refused.
     */
    public static Tensor clamp(Tensor x, float min, float max) {
        return activation(new EltwiseParams(EltwiseAlgorithm.CLAMP, min, max), x);
    }

    /** {@code clamp(x, min, None)}: max(x, min) with gradient where x >= min. */
    public static Tensor clampMin(Tensor x, float min) {
        return clamp(x, min, Float.POSITIVE_INFINITY);
    }

    /** {@code clamp(x, None, max)}: min(x, max) with gradient where {@code x <= max}. */
    public static Tensor clampMax(Tensor x, float max) {
        return clamp(x, Float.NEGATIVE_INFINITY, max);
    }

    /**
     * {@code x ^ exponent} (C's pow: 1^p and x^0 are 1, NaN included); gradient {@code g p x^(p-1)}, and 0 everywhere
     * for p = 0, as PyTorch's.
     */
    public static Tensor pow(Tensor x, float exponent) {
        return activation(new EltwiseParams(EltwiseAlgorithm.POW, exponent), x);
    }

    /**
     * {@code a ^ b} with broadcasting; gradients {@code g b a^(b-1)} (0 where b = 0) and {@code g a^b log a} (0 where
     * a = 0 and b >= 0), as PyTorch's.
     */
    public static Tensor pow(Tensor a, Tensor b) {
        return Calls.call(PowOps.POW, NoParams.INSTANCE, a, b);
    }

    /** {@code base ^ x}: the base as a rank-0 operand on x's device; gradient {@code g base^x log(base)}. */
    public static Tensor pow(float base, Tensor x) {
        return pow(Tensor.full(base, x.device()), x);
    }

    /**
     * PyTorch's {@code heaviside(x, valueAtZero)}: 1 above 0, {@code valueAtZero} at 0 and -0, 0 below 0 and at NaN.
     * Forward only (PyTorch has no derivative for it either).
     */
    public static Tensor heaviside(Tensor x, float valueAtZero) {
        return activation(new EltwiseParams(EltwiseAlgorithm.STEP, valueAtZero), x);
    }

    /**
     * PyTorch's {@code softplus(x, beta, threshold)}: x where beta x > threshold, else log(1 + exp(beta x)) / beta
     * (its left tail not flushed to 0 where float32 holds it).
     */
    public static Tensor softplus(Tensor x, float beta, float threshold) {
        return activation(new EltwiseParams(EltwiseAlgorithm.SOFTPLUS, beta, threshold), x);
    }

    // ---- losses ----

    /**
     * PyTorch's {@code nll_loss} (with cross-entropy's label smoothing in the params): log-probabilities (C), (N, C) or
     * (N, C, d1, ..., dk) against class indices (), (N) or (N, d1, ..., dk); {@code weight} (C) may be null. The
     * gradient flows into the input only. {@code org.jdnn.loss.Losses} wraps it with PyTorch's argument forms.
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, org.jdnn.ops.NllLossParams params) {
        return Calls.call(org.jdnn.ops.LossOps.NLL_LOSS, params, input, target, weight);
    }

    /**
     * Binary cross-entropy per element ({@code reduction='none'}, no weight): probabilities in [0, 1], logs clamped at
     * -100 and the gradient's denominator {@code p (1 - p)} at 1e-12, as PyTorch's.
     */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return Calls.call(org.jdnn.ops.LossOps.BINARY_CROSS_ENTROPY, NoParams.INSTANCE, probabilities, target);
    }

    // ---- integer- and bool-valued ops ----

    /**
     * The maximum along {@code dim} and its int64 index, as {@code torch.max(x, dim, keepdim)}: the first index among
     * ties, NaN as the maximum. Differentiable in the values: the gradient goes to the index position.
     */
    public static ValuesIndices max(Tensor x, int dim, boolean keepDim) {
        Tensor[] out = Calls.callVisible(ArgReductionOps.MAX_DIM, new ArgReductionOps.DimParams(dim, keepDim), x);
        return new ValuesIndices(out[0], out[1]);
    }

    /** {@link #max(Tensor, int, boolean)} without keepdim. */
    public static ValuesIndices max(Tensor x, int dim) {
        return max(x, dim, false);
    }

    /** The minimum along {@code dim} and its int64 index ({@code torch.min(x, dim, keepdim)}); NaN as the minimum. */
    public static ValuesIndices min(Tensor x, int dim, boolean keepDim) {
        Tensor[] out = Calls.callVisible(ArgReductionOps.MIN_DIM, new ArgReductionOps.DimParams(dim, keepDim), x);
        return new ValuesIndices(out[0], out[1]);
    }

    /** {@link #min(Tensor, int, boolean)} without keepdim. */
    public static ValuesIndices min(Tensor x, int dim) {
        return min(x, dim, false);
    }

    /**
     * {@code condition ? input : other} element-wise with broadcasting ({@code torch.where}); condition is bool, input and
     * other share a dtype. The gradient of each goes where it was chosen.
     */
    public static Tensor where(Tensor condition, Tensor input, Tensor other) {
        return Calls.call(ComparisonOps.WHERE, NoParams.INSTANCE, condition, input, other);
    }

    /** {@code where(condition, input, other)} with a scalar {@code other} of input's dtype. */
    public static Tensor where(Tensor condition, Tensor input, double other) {
        try (Tensor scalar = scalarLike(input, other)) {
            return where(condition, input, scalar);
        }
    }

    /** {@code where(condition, input, other)} with a scalar {@code input} of other's dtype. */
    public static Tensor where(Tensor condition, double input, Tensor other) {
        try (Tensor scalar = scalarLike(other, input)) {
            return where(condition, scalar, other);
        }
    }

    /**
     * {@code input} with {@code value} where {@code mask} (bool, broadcasting to input's shape) is true
     * ({@code torch.masked_fill}); the gradient is zero where filled.
     */
    public static Tensor maskedFill(Tensor input, Tensor mask, double value) {
        return Calls.call(ComparisonOps.MASKED_FILL, new ComparisonOps.FillParams(value), input, mask);
    }

    /** The slices of {@code input} along {@code dim} at the int64 {@code index} (rank 0 or 1): {@code torch.index_select}. */
    public static Tensor indexSelect(Tensor input, int dim, Tensor index) {
        return Calls.call(IndexOps.INDEX_SELECT, new IndexOps.DimParams(dim), input, index);
    }

    /** {@code out[i][j] = input[index[i][j]][j]} for dim 0 (and likewise for the others): {@code torch.gather}. */
    public static Tensor gather(Tensor input, int dim, Tensor index) {
        return Calls.call(IndexOps.GATHER, new IndexOps.DimParams(dim), input, index);
    }

    /** A copy of {@code input} with {@code src}'s values written where {@code index} points: {@code torch.scatter}. */
    public static Tensor scatter(Tensor input, int dim, Tensor index, Tensor src) {
        return Calls.call(IndexOps.SCATTER, new IndexOps.DimParams(dim), input, index, src);
    }

    /** A copy of {@code input} with {@code value} written where {@code index} points: {@code torch.scatter(.., value)}. */
    public static Tensor scatter(Tensor input, int dim, Tensor index, double value) {
        try (Tensor src = Tensor.full(value, input.dtype(), input.device(), index.dims())) {
            return scatter(input, dim, index, src);
        }
    }

    /** A copy of {@code input} with {@code src}'s values added where {@code index} points: {@code torch.scatter_add}. */
    public static Tensor scatterAdd(Tensor input, int dim, Tensor index, Tensor src) {
        return Calls.call(IndexOps.SCATTER_ADD, new IndexOps.DimParams(dim), input, index, src);
    }

    /** A rank-0 tensor of {@code value} with {@code like}'s dtype, on its device (PyTorch's wrapped scalar). */
    private static Tensor scalarLike(Tensor like, double value) {
        return Tensor.full(value, like.dtype(), like.device());
    }

    // ---- dtypes ----

    /**
     * {@code x.to(dtype)}: {@code x} converted to {@code dtype} (float32, float64, int64, bool) as PyTorch converts
     * (to int64 truncates toward zero, to bool is {@code != 0}); the gradient flows back between floating dtypes,
     * cast to the input's dtype. The same dtype gives a view of {@code x}, as PyTorch returns {@code x} itself.
     */
    public static Tensor to(Tensor x, org.jdnn.tensor.DType dtype) {
        if (x != null && x.dtype() == dtype) {
            return x.reshape(x.dims());
        }
        return Calls.call(org.jdnn.ops.CastOps.CAST, new org.jdnn.ops.CastOps.CastParams(dtype), x);
    }

    // ---- layers: adaptive pooling, upsampling, unpooling ----

    /** PyTorch's {@code adaptive_avg_pool2d(x, (outH, outW))} over (N, C, H, W) input. */
    public static Tensor adaptiveAvgPool2d(Tensor x, long outH, long outW) {
        return Calls.call(org.jdnn.ops.AdaptivePool2dOps.FORWARD, new org.jdnn.ops.AdaptivePool2dOps.Params(outH, outW),
                x);
    }

    /** {@link #adaptiveAvgPool2d(Tensor, long, long)} to a square output ({@code size} 1: global average pooling). */
    public static Tensor adaptiveAvgPool2d(Tensor x, long size) {
        return adaptiveAvgPool2d(x, size, size);
    }

    /** PyTorch's {@code F.interpolate} of (N, C, H, W) input, nearest or bilinear, to a size or by scale factors. */
    public static Tensor interpolate(Tensor x, org.jdnn.ops.Upsample2dParams params) {
        return Calls.call(org.jdnn.ops.Upsample2dOps.FORWARD, params, x);
    }

    /** {@code F.interpolate(x, size=(height, width), mode=mode, align_corners=alignCorners)}. */
    public static Tensor interpolate(Tensor x, long height, long width, org.jdnn.ops.UpsampleMode mode,
                                     boolean alignCorners) {
        return interpolate(x, org.jdnn.ops.Upsample2dParams.size(mode, height, width, alignCorners));
    }

    /** {@code F.interpolate(x, scale_factor=scale, mode=mode, align_corners=alignCorners)}. */
    public static Tensor interpolate(Tensor x, double scale, org.jdnn.ops.UpsampleMode mode, boolean alignCorners) {
        return interpolate(x, org.jdnn.ops.Upsample2dParams.scale(mode, scale, scale, alignCorners));
    }

    /**
     * PyTorch's {@code max_pool2d(x, ..., return_indices=True)}: the pooled output (differentiable, as
     * {@link #pool2d}) and the flat index of each window's maximum within its plane (float32 integers, not
     * differentiable). The indices are a second pass over the input.
     */
    public static MaxPoolWithIndices maxPool2dWithIndices(Tensor x, Pool2dParams params) {
        Tensor indices = org.jdnn.functional.Functional.maxPool2dIndices(x, params);
        try {
            return new MaxPoolWithIndices(pool2d(x, params), indices);
        } catch (RuntimeException e) {
            indices.close();
            throw e;
        }
    }

    /** PyTorch's {@code max_unpool2d(x, indices, output_size=(outH, outW))}: x scattered to its indices, zeros elsewhere. */
    public static Tensor maxUnpool2d(Tensor x, Tensor indices, long outH, long outW) {
        return Calls.call(org.jdnn.ops.MaxUnpool2dOps.UNPOOL, new org.jdnn.ops.MaxUnpool2dOps.Params(outH, outW), x,
                indices);
    }

    /** {@code max_unpool2d(x, indices, kernel, stride, padding)}: the output size that pooling maps to x's. */
    public static Tensor maxUnpool2d(Tensor x, Tensor indices, long kernel, long stride, long padding) {
        return Calls.call(org.jdnn.ops.MaxUnpool2dOps.UNPOOL,
                org.jdnn.ops.MaxUnpool2dOps.Params.inverting(x.shape(), kernel, stride, padding), x, indices);
    }
}
