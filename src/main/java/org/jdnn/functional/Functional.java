package org.jdnn.functional;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
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

    // ---- conv2d ----

    /** PyTorch's conv2d: x (N, C, H, W), weight (O, C/groups, KH, KW), bias (O) or null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        Conv2dShapes shapes = Conv2dShapes.infer(x.shape(), weight.shape(), bias == null ? null : bias.shape(), params);
        Tensor out = Tensor.empty(shapes.output());
        return run(out, backend -> backend.conv2dForward(params, x, weight, bias, out));
    }

    /** conv2d with stride 1, no padding, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, Conv2dParams.DEFAULT);
    }

    // ---- conv_transpose2d ----

    /** PyTorch's conv_transpose2d: x (N, C, H, W), weight (C, O/groups, KH, KW), bias (O) or null. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        ConvTranspose2dShapes shapes = ConvTranspose2dShapes.infer(x.shape(), weight.shape(),
                bias == null ? null : bias.shape(), params);
        Tensor out = Tensor.empty(shapes.output());
        return run(out, backend -> backend.convTranspose2dForward(params, x, weight, bias, out));
    }
}
