package org.jdnn.autograd;

import org.jdnn.functional.BatchNormGradients;
import org.jdnn.functional.BatchNormResult;
import org.jdnn.functional.Functional;
import org.jdnn.functional.Pool2dResult;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Differentiable operations: each runs the forward kernel (through {@link Functional}, on the current
 * backend) and records how its gradient flows back. This class is the one table of derivatives.
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

    /** PyTorch's linear: {@code x @ weight^T + bias} with x (N, in), weight (out, in), bias (out) or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Calls.call(MatmulOps.MATMUL, MatmulOps.LINEAR, x, weight, bias);
    }

    // ---- arithmetic with broadcasting ----

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = Functional.add(a, b);
        return Autograd.record("add", out, (g, needs) -> new Tensor[] {
                needs[0] ? reduceTo(g, a.shape()) : null,
                needs[1] ? reduceTo(g, b.shape()) : null}, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = Functional.sub(a, b);
        return Autograd.record("sub", out, (g, needs) -> new Tensor[] {
                needs[0] ? reduceTo(g, a.shape()) : null,
                needs[1] ? reduceTo(Functional.mul(g, -1f), b.shape()) : null}, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = Functional.mul(a, b);
        return Autograd.record("mul", out, (g, needs) -> new Tensor[] {
                needs[0] ? reduceTo(Functional.mul(g, b), a.shape()) : null,
                needs[1] ? reduceTo(Functional.mul(g, a), b.shape()) : null}, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = Functional.div(a, b);
        return Autograd.record("div", out, (g, needs) -> new Tensor[] {
                needs[0] ? reduceTo(Functional.div(g, b), a.shape()) : null,
                // d(a/b)/db = -a/b^2 = -out/b
                needs[1] ? reduceTo(Functional.mul(Functional.div(Functional.mul(g, out), b), -1f), b.shape()) : null},
                a, b);
    }

    /** Element-wise maximum; where equal, the gradient goes to {@code a}. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return select("maximum", a, b, Functional.maximum(a, b));
    }

    /** Element-wise minimum; where equal, the gradient goes to {@code a}. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return select("minimum", a, b, Functional.minimum(a, b));
    }

    /** max/min: the gradient flows to whichever operand the output equals (a on ties). */
    private static Tensor select(String name, Tensor a, Tensor b, Tensor out) {
        return Autograd.record(name, out, (g, needs) -> {
            Tensor fromA = equalMask(out, a);
            Tensor ga = Functional.mul(g, fromA);
            return new Tensor[] {
                    needs[0] ? reduceTo(ga, a.shape()) : null,
                    needs[1] ? reduceTo(Functional.sub(g, ga), b.shape()) : null};
        }, a, b);
    }

    /** 1 where {@code out == a} (a broadcast to out's shape), else 0; built on the host, as the SPI has no comparison kernel yet. */
    private static Tensor equalMask(Tensor out, Tensor a) {
        float[] o = out.toFloatArray();
        Tensor aFull = Functional.add(Functional.mul(out, 0f), a); // a broadcast to the output's shape
        float[] av = aFull.toFloatArray();
        float[] mask = new float[o.length];
        for (int i = 0; i < o.length; i++) {
            mask[i] = o[i] == av[i] ? 1f : 0f;
        }
        return Tensor.of(mask, out.dims());
    }

    public static Tensor add(Tensor a, float b) {
        return Autograd.record("add_scalar", Functional.add(a, b), (g, needs) -> new Tensor[] {g}, a);
    }

    public static Tensor sub(Tensor a, float b) {
        return Autograd.record("sub_scalar", Functional.sub(a, b), (g, needs) -> new Tensor[] {g}, a);
    }

    public static Tensor mul(Tensor a, float b) {
        return Autograd.record("mul_scalar", Functional.mul(a, b), (g, needs) -> new Tensor[] {Functional.mul(g, b)}, a);
    }

    public static Tensor div(Tensor a, float b) {
        return Autograd.record("div_scalar", Functional.div(a, b), (g, needs) -> new Tensor[] {Functional.div(g, b)}, a);
    }

    public static Tensor neg(Tensor a) {
        return mul(a, -1f);
    }

    /** {@code a * a}. */
    public static Tensor square(Tensor a) {
        return mul(a, a);
    }

    /** |a|, with gradient sign(a) (0 at 0 is taken as +1, as max(a, -a) picks a). */
    public static Tensor abs(Tensor a) {
        return maximum(a, neg(a));
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

    // ---- softmax ----

    public static Tensor softmax(Tensor x, int axis) {
        return softmax(SoftmaxParams.softmax(axis), x);
    }

    /** log(softmax(x)) computed stably. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return softmax(SoftmaxParams.logSoftmax(axis), x);
    }

    private static Tensor softmax(SoftmaxParams params, Tensor x) {
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

    private static Tensor reduce(ReductionParams params, Tensor x) {
        Tensor out = Functional.reduce(params, x);
        return Autograd.record(params.algorithm().name().toLowerCase(java.util.Locale.ROOT), out,
                (g, needs) -> new Tensor[] {Functional.reduceBackward(params, x, out, g)}, x);
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
        Tensor out = Functional.concat(axis, tensors);
        int normalized = org.jdnn.ops.Axes.normalize("concat", axis, out.shape());
        long[] sizes = Arrays.stream(tensors).mapToLong(t -> t.size(normalized)).toArray();
        return Autograd.record("concat", out,
                (g, needs) -> Functional.split(g, axis, sizes).toArray(new Tensor[0]), tensors);
    }

    // ---- regularisation ----

    /** Dropout with keep-scaling; identity when not training. The mask is drawn from {@code seed}. */
    public static Tensor dropout(Tensor x, float p, boolean training, long seed) {
        DropoutParams params = new DropoutParams(p, training, seed);
        if (!training || p == 0f) {
            return x.reshape(x.dims());
        }
        Tensor out = Functional.dropout(x, params);
        return Autograd.record("dropout", out, (g, needs) -> new Tensor[] {Functional.dropoutBackward(g, params)}, x);
    }

    // ---- convolution and pooling ----

    /** PyTorch's conv2d: x (N, C, H, W), weight (O, C/groups, KH, KW), bias (O) or null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        return Calls.call(Conv2dOps.FORWARD, params, x, weight, bias);
    }

    /** PyTorch's conv_transpose2d: x (N, C, H, W), weight (C, O/groups, KH, KW), bias (O) or null. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return Calls.call(ConvTranspose2dOps.FORWARD, params, x, weight, bias);
    }

    /** Max or average pooling; when recording, max pooling keeps its workspace in the graph for backward. */
    public static Tensor pool2d(Tensor x, Pool2dParams params) {
        if (!Autograd.isGradEnabled() || !x.requiresGrad()) {
            return Functional.pool2d(x, params);
        }
        Pool2dResult result = Functional.pool2dTraining(x, params);
        Shape inputShape = x.shape();
        List<AutoCloseable> owned = result.workspace() == null ? List.of() : List.of(result.workspace());
        return Autograd.record("pool2d", result.output(),
                (g, needs) -> new Tensor[] {Functional.pool2dBackward(params, g, result.workspace(), inputShape)},
                owned, x);
    }

    public static Tensor maxPool2d(Tensor x, long kernel, long stride, long padding) {
        return pool2d(x, Pool2dParams.max(kernel, stride, padding));
    }

    public static Tensor avgPool2d(Tensor x, long kernel, long stride, long padding) {
        return pool2d(x, Pool2dParams.avg(kernel, stride, padding, true));
    }

    /**
     * Batch normalisation over the channel dimension of (N, C) or (N, C, H, W) input. Training uses the batch
     * statistics and updates the running ones (if given) with momentum; evaluation uses the running ones.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias,
                                   boolean training, BatchNormParams params) {
        if (!training) {
            Tensor out = Functional.batchNorm(x, runningMean, runningVariance, weight, bias, false, params);
            return Autograd.record("batch_norm", out,
                    (g, needs) -> batchNormGrads(params, false, x, g, weight, bias, runningMean, runningVariance, needs),
                    x, weight, bias);
        }
        BatchNormResult result = Functional.batchNormTraining(x, weight, bias, runningMean, runningVariance, params);
        return Autograd.record("batch_norm", result.output(),
                (g, needs) -> batchNormGrads(params, true, x, g, weight, bias, result.mean(), result.variance(), needs),
                List.of(result.mean(), result.variance()), x, weight, bias);
    }

    private static Tensor[] batchNormGrads(BatchNormParams params, boolean training, Tensor x, Tensor g, Tensor weight,
                                           Tensor bias, Tensor mean, Tensor variance, boolean[] needs) {
        boolean parameterGrads = (weight != null && needs[1]) || (bias != null && needs[2]);
        BatchNormGradients grads = Functional.batchNormBackward(params, training, x, g, weight, mean, variance, parameterGrads);
        return new Tensor[] {grads.input(), weight != null && needs[1] ? grads.scale() : null,
                bias != null && needs[2] ? grads.shift() : null};
    }

    // ---- helpers ----

    /** Sums a broadcast gradient back to an operand's shape (no-op when the shapes already agree). */
    private static Tensor reduceTo(Tensor g, Shape shape) {
        return g.shape().equals(shape) ? g : Functional.sumToShape(g, shape);
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
}
