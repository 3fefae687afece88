package org.jdnn.autograd;

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
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.IndexOps;
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
import org.jdnn.tensor.ValuesIndices;

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
}
