package org.jdnn.backend;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.EltwiseShapes;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;


/** Checks every backend runs on its operands before computing: open, float32, on the backend's device, right shapes. */
public final class Operands {
    private Operands() {
    }

    public static MatmulShapes matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out, Device device) {
        notNull("matmul", "params", params);
        check("matmul", "A", a, device);
        check("matmul", "B", b, device);
        if (bias != null) {
            check("matmul", "bias", bias, device);
        }
        check("matmul", "out", out, device);
        MatmulShapes shapes = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), params);
        shapes.checkOutput(out.shape());
        noOverlap("matmul", out, "A", a);
        noOverlap("matmul", out, "B", b);
        if (bias != null) {
            noOverlap("matmul", out, "bias", bias);
        }
        return shapes;
    }

    public static void eltwiseForward(EltwiseParams params, Tensor src, Tensor dst, Device device) {
        notNull("eltwise", "params", params);
        String op = "eltwise " + params.algorithm();
        check(op, "src", src, device);
        check(op, "dst", dst, device);
        EltwiseShapes.check(op, src.shape(), dst.shape(), "dst");
    }

    public static void eltwiseBackward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc, Device device) {
        notNull("eltwise backward", "params", params);
        if (params.algorithm() == EltwiseAlgorithm.STEP) {
            throw new IllegalArgumentException(STEP_NOT_DIFFERENTIABLE);
        }
        String op = "eltwise " + params.algorithm() + " backward";
        check(op, "src", src, device);
        check(op, "diffDst", diffDst, device);
        check(op, "diffSrc", diffSrc, device);
        EltwiseShapes.check(op, src.shape(), diffDst.shape(), "diffDst");
        EltwiseShapes.check(op, src.shape(), diffSrc.shape(), "diffSrc");
    }

    /** Throws unless the tensor is non-null, open, float32 and on {@code device}. */
    public static void check(String op, String name, Tensor t, Device device) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (t.isClosed()) {
            throw new IllegalStateException(op + ": " + name + " " + t.shape() + " is closed");
        }
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": " + name + " has dtype " + t.dtype() + ", only float32 is supported");
        }
        if (!t.device().equals(device)) {
            throw new IllegalStateException(op + ": " + name + " is on " + t.device() + " but the backend runs on " + device);
        }
    }

    private static void noOverlap(String op, Tensor out, String name, Tensor in) {
        long o = TensorAccess.address(out), oBytes = out.numel() * out.dtype().byteSize();
        long i = TensorAccess.address(in), iBytes = in.numel() * in.dtype().byteSize();
        boolean overlap = o < i + iBytes && i < o + oBytes;
        if (overlap && oBytes > 0 && iBytes > 0) {
            throw new IllegalArgumentException(op + ": output must not share memory with " + name);
        }
    }

    // ---- softmax ----

    /** dst may be src (in place). */
    public static SoftmaxShapes softmaxForward(SoftmaxParams params, Tensor src, Tensor dst, Device device) {
        notNull("softmax", "params", params);
        String op = params.opName();
        check(op, "src", src, device);
        check(op, "dst", dst, device);
        SoftmaxShapes shapes = SoftmaxShapes.infer(op, params, src.shape());
        EltwiseShapes.check(op, src.shape(), dst.shape(), "dst");
        return shapes;
    }

    /** diffSrc may be diffDst (in place). */
    public static SoftmaxShapes softmaxBackward(SoftmaxParams params, Tensor dst, Tensor diffDst, Tensor diffSrc, Device device) {
        notNull("softmax backward", "params", params);
        String op = params.opName() + " backward";
        check(op, "dst", dst, device);
        check(op, "diffDst", diffDst, device);
        check(op, "diffSrc", diffSrc, device);
        SoftmaxShapes shapes = SoftmaxShapes.infer(op, params, dst.shape());
        EltwiseShapes.check(op, dst.shape(), diffDst.shape(), "diffDst");
        EltwiseShapes.check(op, dst.shape(), diffSrc.shape(), "diffSrc");
        if (diffSrc != diffDst) {
            noOverlap(op, diffSrc, "diffDst", diffDst);
        }
        noOverlap(op, diffSrc, "dst", dst);
        return shapes;
    }

    // ---- step / fuzz fixes ----

    /** The message of every backend's STEP backward: the step's derivative is 0 almost everywhere (undefined at 0). */
    public static final String STEP_NOT_DIFFERENTIABLE = "eltwise STEP: not differentiable (use it forward only)";

    /** Throws IllegalArgumentException "op: name is null" for a null parameter bundle or argument. */
    public static void notNull(String op, String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }
}
