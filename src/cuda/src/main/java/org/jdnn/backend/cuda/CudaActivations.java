package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.cuda.Cudnn;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

/**
 * ReLU, sigmoid, tanh and ELU through cuDNN's activations, softmax and log-softmax through cuDNN's softmax. The other
 * element-wise functions (leaky ReLU included) run on the compiled kernels ({@link CompiledKernels#unary}), or on the
 * host round trip in a build without them.
 */
final class CudaActivations {
    private CudaActivations() {
    }

    static void register(KernelTable table) {
        // What cuDNN lacks runs on the compiled kernels, or without them on the host.
        boolean compiled = CudaCompiledOps.missing() == null;
        Fallback.Condition<EltwiseParams> other = (p, in, out) -> !compiled && !byCudnn(p, in[0]);
        table.put(EltwiseOps.FORWARD, (p, in, out) -> {
                    if (byCudnn(p, in[0])) {
                        forward(p, in[0], out[0]);
                    } else {
                        CudaCompiledOps.kernels().unary(CudaThread.current().stream(), DType.FLOAT32, p,
                                in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(out[0]));
                    }
                }, Fallback.viaHost("an element-wise function cuDNN does not have", other))
                .put(EltwiseOps.BACKWARD, (p, in, out) -> {
                    if (byCudnn(p, in[0])) {
                        backward(p, in[0], in[1], out[0]);
                    } else {
                        CudaCompiledOps.kernels().unaryBackward(CudaThread.current().stream(), DType.FLOAT32, p,
                                in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                                TensorAccess.segment(out[0]));
                    }
                }, Fallback.viaHost("an element-wise function cuDNN does not have", other))
                .put(SoftmaxOps.FORWARD, (p, in, out) -> softmax(p, in[0], out[0]),
                        Fallback.viaHost("a softmax beyond cuDNN's int range", (p, in, out) -> tooLarge(p, in[0])))
                .put(SoftmaxOps.BACKWARD, (p, in, out) -> softmaxBackward(p, in[0], in[1], out[0]),
                        Fallback.viaHost("a softmax beyond cuDNN's int range", (p, in, out) -> tooLarge(p, in[0])));
    }

    /** Whether cuDNN's activations run {@code p} on {@code x} (a function it has, within its int range). */
    static boolean byCudnn(EltwiseParams p, Tensor x) {
        return mode(p) >= 0 && x.numel() <= Integer.MAX_VALUE;
    }

    /** cuDNN's activation mode for {@code p}, or -1 when it has none. */
    static int mode(EltwiseParams p) {
        return switch (p.algorithm()) {
            case RELU -> p.alpha() == 0 ? cudnn_h.CUDNN_ACTIVATION_RELU() : -1;
            case SIGMOID -> cudnn_h.CUDNN_ACTIVATION_SIGMOID();
            case TANH -> cudnn_h.CUDNN_ACTIVATION_TANH();
            case ELU -> cudnn_h.CUDNN_ACTIVATION_ELU();
            default -> -1;
        };
    }

    /** The activation's coefficient: ELU's alpha; unused by the others. */
    static double coefficient(EltwiseParams p) {
        return p.algorithm() == EltwiseAlgorithm.ELU ? p.alpha() : 0.0;
    }

    /** An element-wise tensor as cuDNN's 4-d (1, 1, 1, n). */
    static int[] flat(Tensor t) {
        return new int[] {1, 1, 1, Math.toIntExact(t.numel())};
    }

    private static void forward(EltwiseParams p, Tensor x, Tensor y) {
        if (x.numel() == 0) {
            return;
        }
        try (CudnnDescriptor ad = CudnnDescriptor.activation(mode(p), coefficient(p));
             CudnnDescriptor d = CudnnDescriptor.tensor(flat(x))) {
            // In place (y the same memory as x) is allowed.
            Cudnn.check(cudnn_h.cudnnActivationForward(CudaThread.current().cudnn(), ad.handle(), Scalars.ONE,
                    d.handle(), TensorAccess.segment(x), Scalars.ZERO, d.handle(), TensorAccess.segment(y)),
                    "cudnnActivationForward(" + p.algorithm() + ", " + x.numel() + ")");
        }
    }

    /** cuDNN's backward reads the forward's output too: it is recomputed from the input into scratch memory. */
    private static void backward(EltwiseParams p, Tensor x, Tensor dy, Tensor dx) {
        if (x.numel() == 0) {
            return;
        }
        try (CudnnDescriptor ad = CudnnDescriptor.activation(mode(p), coefficient(p));
             CudnnDescriptor d = CudnnDescriptor.tensor(flat(x));
             Workspace y = Workspace.of(x.numel() * Float.BYTES)) {
            var h = CudaThread.current().cudnn();
            Cudnn.check(cudnn_h.cudnnActivationForward(h, ad.handle(), Scalars.ONE, d.handle(), TensorAccess.segment(x),
                    Scalars.ZERO, d.handle(), y.segment()), "cudnnActivationForward(" + p.algorithm() + ")");
            // dx may be dy's memory (in place): cuDNN allows it.
            Cudnn.check(cudnn_h.cudnnActivationBackward(h, ad.handle(), Scalars.ONE, d.handle(), y.segment(),
                    d.handle(), TensorAccess.segment(dy), d.handle(), TensorAccess.segment(x), Scalars.ZERO,
                    d.handle(), TensorAccess.segment(dx)), "cudnnActivationBackward(" + p.algorithm() + ", "
                    + x.numel() + ")");
        }
    }

    /** Softmax over one axis is cuDNN's channel mode on (outer, axis, inner, 1). */
    static int[] softmaxDims(SoftmaxParams p, Tensor x) {
        SoftmaxShapes s = SoftmaxShapes.infer(p.opName(), p, x.shape());
        return new int[] {Math.toIntExact(s.outer()), Math.toIntExact(s.axisSize()), Math.toIntExact(s.inner()), 1};
    }

    private static boolean tooLarge(SoftmaxParams p, Tensor x) {
        return x.numel() > Integer.MAX_VALUE;
    }

    private static int algorithm(SoftmaxParams p) {
        return p.log() ? cudnn_h.CUDNN_SOFTMAX_LOG() : cudnn_h.CUDNN_SOFTMAX_ACCURATE();
    }

    private static void softmax(SoftmaxParams p, Tensor x, Tensor y) {
        if (x.numel() == 0) {
            return;
        }
        try (CudnnDescriptor d = CudnnDescriptor.tensor(softmaxDims(p, x))) {
            Cudnn.check(cudnn_h.cudnnSoftmaxForward(CudaThread.current().cudnn(), algorithm(p),
                    cudnn_h.CUDNN_SOFTMAX_MODE_CHANNEL(), Scalars.ONE, d.handle(), TensorAccess.segment(x),
                    Scalars.ZERO, d.handle(), TensorAccess.segment(y)), "cudnnSoftmaxForward(" + p + ")");
        }
    }

    private static void softmaxBackward(SoftmaxParams p, Tensor y, Tensor dy, Tensor dx) {
        if (y.numel() == 0) {
            return;
        }
        try (CudnnDescriptor d = CudnnDescriptor.tensor(softmaxDims(p, y))) {
            Cudnn.check(cudnn_h.cudnnSoftmaxBackward(CudaThread.current().cudnn(), algorithm(p),
                    cudnn_h.CUDNN_SOFTMAX_MODE_CHANNEL(), Scalars.ONE, d.handle(), TensorAccess.segment(y),
                    d.handle(), TensorAccess.segment(dy), Scalars.ZERO, d.handle(), TensorAccess.segment(dx)),
                    "cudnnSoftmaxBackward(" + p + ")");
        }
    }
}
