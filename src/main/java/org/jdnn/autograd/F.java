package org.jdnn.autograd;

import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
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
import org.jdnn.ops.SignOps;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Tensor;

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

    /** {@code a @ b} for rank-2 or (batched, broadcasting) rank-3 operands. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return Calls.call(MatmulOps.MATMUL, MatmulParams.PLAIN, a, b, null);
    }

    /** {@code op(a) @ op(b)} with the transposes in {@code params}. */
    public static Tensor matmul(Tensor a, Tensor b, MatmulParams params) {
        return Calls.call(MatmulOps.MATMUL, params, a, b, null);
    }

    /** PyTorch's linear: {@code x @ weight^T + bias} with x (N, in), weight (out, in), bias (out) or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Calls.call(MatmulOps.MATMUL, MatmulOps.LINEAR, x, weight, bias);
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

    /** Element-wise maximum; where equal, the gradient goes to {@code a}. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return binary(BinaryAlgorithm.MAX, a, b);
    }

    /** Element-wise minimum; where equal, the gradient goes to {@code a}. */
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

    /** log(1 + exp(beta x)) / beta. */
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
     * The hard step of a perceptron: 1 where x > 0, else 0 (also at 0 and -0; NaN is backend-dependent, see
     * {@link EltwiseAlgorithm#STEP}). Forward only: its derivative throws IllegalArgumentException.
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
        return reduce(ReductionParams.of(ReductionAlgorithm.SUM, keepDim, axes), x);
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
        return Calls.call(Conv2dOps.FORWARD, params, x, weight, bias);
    }

    /** conv2d with stride 1, no padding, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, Conv2dParams.DEFAULT);
    }

    /** PyTorch's conv_transpose2d: x (N, C, H, W), weight (C, O/groups, KH, KW), bias (O) or null. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return Calls.call(ConvTranspose2dOps.FORWARD, params, x, weight, bias);
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

    /** Natural logarithm, element-wise; log(0) is -infinity and negative inputs give NaN. */
    public static Tensor log(Tensor x) {
        return Calls.call(EltwiseOps.LOG, EltwiseOps.LogParams.NONE, x);
    }

    /**
     * {@code max(log(x), min)} element-wise (PyTorch's binary cross-entropy clamps its logs at -100); the
     * gradient {@code 1/x} flows only where the log is above the clamp, so x = 0 gives a zero gradient, not NaN.
     */
    public static Tensor log(Tensor x, float min) {
        return Calls.call(EltwiseOps.LOG, new EltwiseOps.LogParams(min), x);
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
