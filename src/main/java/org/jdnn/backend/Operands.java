package org.jdnn.backend;

import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.EltwiseShapes;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.ops.SoftmaxShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.util.ArrayList;
import java.util.List;

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

    // ---- binary ----

    /** The broadcast output shape; out may be an operand of the output's shape (in place), else must not overlap it. */
    public static Shape binary(BinaryParams params, Tensor a, Tensor b, Tensor out, Device device) {
        notNull("binary", "params", params);
        String op = params.opName();
        check(op, "a", a, device);
        check(op, "b", b, device);
        check(op, "out", out, device);
        Shape shape = BroadcastShapes.broadcast(op, a.shape(), b.shape());
        EltwiseShapes.check(op, shape, out.shape(), "out");
        inPlaceOrDisjoint(op, out, "a", a);
        inPlaceOrDisjoint(op, out, "b", b);
        return shape;
    }

    public static void binaryScalar(BinaryParams params, Tensor a, float scalar, Tensor out, Device device) {
        notNull("binary scalar", "params", params);
        String op = params.opName() + " scalar";
        check(op, "a", a, device);
        check(op, "out", out, device);
        EltwiseShapes.check(op, a.shape(), out.shape(), "out");
        inPlaceOrDisjoint(op, out, "a", a);
    }

    // ---- reduction ----

    public static ReductionShapes reduce(ReductionParams params, Tensor src, Tensor dst, Device device) {
        notNull("reduction", "params", params);
        String op = params.opName();
        check(op, "src", src, device);
        check(op, "dst", dst, device);
        ReductionShapes shapes = ReductionShapes.infer(params, src.shape());
        shapes.checkOutput(op, dst.shape(), "dst");
        noOverlap(op, dst, "src", src);
        return shapes;
    }

    public static ReductionShapes reduceBackward(ReductionParams params, Tensor src, Tensor dst, Tensor diffDst,
                                                 Tensor diffSrc, Device device) {
        notNull("reduction backward", "params", params);
        String op = params.opName() + " backward";
        check(op, "src", src, device);
        check(op, "dst", dst, device);
        check(op, "diffDst", diffDst, device);
        check(op, "diffSrc", diffSrc, device);
        ReductionShapes shapes = ReductionShapes.infer(params, src.shape());
        shapes.checkOutput(op, dst.shape(), "dst");
        shapes.checkOutput(op, diffDst.shape(), "diffDst");
        EltwiseShapes.check(op, src.shape(), diffSrc.shape(), "diffSrc");
        noOverlap(op, diffSrc, "src", src);
        noOverlap(op, diffSrc, "dst", dst);
        noOverlap(op, diffSrc, "diffDst", diffDst);
        return shapes;
    }

    // ---- concat ----

    public static ConcatShapes concat(int axis, List<Tensor> srcs, Tensor dst, Device device) {
        String op = "concat";
        List<Shape> shapes = parts(op, "srcs", srcs, device);
        check(op, "dst", dst, device);
        ConcatShapes s = ConcatShapes.infer(op, axis, shapes);
        s.checkOutput(op, dst.shape(), "dst");
        for (int i = 0; i < srcs.size(); i++) {
            noOverlap(op, dst, "srcs[" + i + "]", srcs.get(i));
        }
        return s;
    }

    public static ConcatShapes split(int axis, Tensor src, List<Tensor> dsts, Device device) {
        String op = "split";
        check(op, "src", src, device);
        List<Shape> shapes = parts(op, "dsts", dsts, device);
        ConcatShapes s = ConcatShapes.infer(op, axis, shapes);
        s.checkOutput(op, src.shape(), "src");
        for (int i = 0; i < dsts.size(); i++) {
            noOverlap(op, dsts.get(i), "src", src);
            for (int j = 0; j < i; j++) {
                noOverlap(op, dsts.get(i), "dsts[" + j + "]", dsts.get(j));
            }
        }
        return s;
    }

    private static List<Shape> parts(String op, String name, List<Tensor> tensors, Device device) {
        if (tensors == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        List<Shape> shapes = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            check(op, name + "[" + i + "]", tensors.get(i), device);
            shapes.add(tensors.get(i).shape());
        }
        return shapes;
    }

    /** Element-wise kernels may write over an operand of the output's size at the same address, never a partial overlap. */
    private static void inPlaceOrDisjoint(String op, Tensor out, String name, Tensor in) {
        if (TensorAccess.address(out) == TensorAccess.address(in) && out.numel() == in.numel()) {
            return;
        }
        noOverlap(op, out, name, in);
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

    // ---- optimizer ----

    /**
     * Checks an optimizer update: {@code param}, {@code grad} and the non-null {@code states} (named by
     * {@code stateNames}) open, float32, on {@code device}, all of param's shape; param and the states must not
     * share memory with each other or with grad, as they are all written in place. {@code step} must be >= 1.
     */
    public static void optimizerUpdate(String op, long step, Tensor param, Tensor grad, Device device,
                                       String[] stateNames, Tensor... states) {
        check(op, "param", param, device);
        check(op, "grad", grad, device);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step must be >= 1, got " + step);
        }
        if (!grad.shape().equals(param.shape())) {
            throw new IllegalArgumentException(op + ": grad shape " + grad.shape() + " != param shape " + param.shape());
        }
        noOverlap(op, param, "grad", grad);
        for (int i = 0; i < states.length; i++) {
            Tensor state = states[i];
            if (state == null) {
                continue;
            }
            check(op, stateNames[i], state, device);
            if (!state.shape().equals(param.shape())) {
                throw new IllegalArgumentException(op + ": " + stateNames[i] + " shape " + state.shape()
                        + " != param shape " + param.shape());
            }
            noOverlap(op, state, "param", param);
            noOverlap(op, state, "grad", grad);
            for (int j = 0; j < i; j++) {
                if (states[j] != null) {
                    noOverlap(op, state, stateNames[j], states[j]);
                }
            }
        }
    }

    /** Throws unless {@code state} is present exactly when {@code needed}. */
    public static void optionalState(String op, String name, Tensor state, boolean needed, String why) {
        if (needed && state == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null but is needed when " + why);
        }
        if (!needed && state != null) {
            throw new IllegalArgumentException(op + ": " + name + " is given but is only used when " + why);
        }
    }
}
