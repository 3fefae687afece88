package org.jdnn.backend;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.EltwiseShapes;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/** Checks every backend runs on its operands before computing: open, float32, on the backend's device, right shapes. */
public final class Operands {
    private Operands() {
    }

    public static MatmulShapes matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out, Device device) {
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
        String op = "eltwise " + params.algorithm();
        check(op, "src", src, device);
        check(op, "dst", dst, device);
        EltwiseShapes.check(op, src.shape(), dst.shape(), "dst");
    }

    public static void eltwiseBackward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc, Device device) {
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
        MemorySegment o = TensorAccess.segment(out);
        MemorySegment i = TensorAccess.segment(in);
        boolean overlap = o.address() < i.address() + i.byteSize() && i.address() < o.address() + o.byteSize();
        if (overlap && o.byteSize() > 0 && i.byteSize() > 0) {
            throw new IllegalArgumentException(op + ": output must not share memory with " + name);
        }
    }

    // ---- conv2d ----

    public static Conv2dShapes conv2dForward(Conv2dParams params, Tensor src, Tensor weights, Tensor bias, Tensor dst,
                                             Device device) {
        String op = "conv2d";
        check(op, "src", src, device);
        check(op, "weights", weights, device);
        if (bias != null) {
            check(op, "bias", bias, device);
        }
        check(op, "dst", dst, device);
        Conv2dShapes s = Conv2dShapes.infer(src.shape(), weights.shape(), bias == null ? null : bias.shape(), params);
        Conv2dShapes.requireShape(op, "dst", dst.shape(), s.output());
        noOverlap(op, dst, "src", src);
        noOverlap(op, dst, "weights", weights);
        if (bias != null) {
            noOverlap(op, dst, "bias", bias);
        }
        return s;
    }

    public static Conv2dShapes conv2dBackwardData(Conv2dParams params, Tensor diffDst, Tensor weights, Tensor diffSrc,
                                                  Device device) {
        String op = "conv2d backward data";
        check(op, "diffDst", diffDst, device);
        check(op, "weights", weights, device);
        check(op, "diffSrc", diffSrc, device);
        Conv2dShapes s = Conv2dShapes.infer(diffSrc.shape(), weights.shape(), null, params);
        Conv2dShapes.requireShape(op, "diffDst", diffDst.shape(), s.output());
        noOverlap(op, diffSrc, "diffDst", diffDst);
        noOverlap(op, diffSrc, "weights", weights);
        return s;
    }

    public static Conv2dShapes conv2dBackwardWeights(Conv2dParams params, Tensor src, Tensor diffDst, Tensor diffWeights,
                                                     Tensor diffBias, Device device) {
        String op = "conv2d backward weights";
        check(op, "src", src, device);
        check(op, "diffDst", diffDst, device);
        check(op, "diffWeights", diffWeights, device);
        if (diffBias != null) {
            check(op, "diffBias", diffBias, device);
        }
        Conv2dShapes s = Conv2dShapes.infer(src.shape(), diffWeights.shape(),
                diffBias == null ? null : diffBias.shape(), params);
        Conv2dShapes.requireShape(op, "diffDst", diffDst.shape(), s.output());
        for (Tensor out : diffBias == null ? new Tensor[] {diffWeights} : new Tensor[] {diffWeights, diffBias}) {
            noOverlap(op, out, "src", src);
            noOverlap(op, out, "diffDst", diffDst);
        }
        if (diffBias != null) {
            noOverlap(op, diffWeights, "diffBias", diffBias);
        }
        return s;
    }

    // ---- conv_transpose2d ----

    public static ConvTranspose2dShapes convTranspose2dForward(ConvTranspose2dParams params, Tensor src, Tensor weights,
                                                               Tensor bias, Tensor dst, Device device) {
        String op = "conv_transpose2d";
        check(op, "src", src, device);
        check(op, "weights", weights, device);
        if (bias != null) {
            check(op, "bias", bias, device);
        }
        check(op, "dst", dst, device);
        ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(src.shape(), weights.shape(),
                bias == null ? null : bias.shape(), params);
        Conv2dShapes.requireShape(op, "dst", dst.shape(), s.output());
        noOverlap(op, dst, "src", src);
        noOverlap(op, dst, "weights", weights);
        if (bias != null) {
            noOverlap(op, dst, "bias", bias);
        }
        return s;
    }

    public static ConvTranspose2dShapes convTranspose2dBackwardData(ConvTranspose2dParams params, Tensor diffDst,
                                                                    Tensor weights, Tensor diffSrc, Device device) {
        String op = "conv_transpose2d backward data";
        check(op, "diffDst", diffDst, device);
        check(op, "weights", weights, device);
        check(op, "diffSrc", diffSrc, device);
        ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(diffSrc.shape(), weights.shape(), null, params);
        Conv2dShapes.requireShape(op, "diffDst", diffDst.shape(), s.output());
        noOverlap(op, diffSrc, "diffDst", diffDst);
        noOverlap(op, diffSrc, "weights", weights);
        return s;
    }

    public static ConvTranspose2dShapes convTranspose2dBackwardWeights(ConvTranspose2dParams params, Tensor src,
                                                                       Tensor diffDst, Tensor diffWeights,
                                                                       Tensor diffBias, Device device) {
        String op = "conv_transpose2d backward weights";
        check(op, "src", src, device);
        check(op, "diffDst", diffDst, device);
        check(op, "diffWeights", diffWeights, device);
        if (diffBias != null) {
            check(op, "diffBias", diffBias, device);
        }
        ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(src.shape(), diffWeights.shape(),
                diffBias == null ? null : diffBias.shape(), params);
        Conv2dShapes.requireShape(op, "diffDst", diffDst.shape(), s.output());
        for (Tensor out : diffBias == null ? new Tensor[] {diffWeights} : new Tensor[] {diffWeights, diffBias}) {
            noOverlap(op, out, "src", src);
            noOverlap(op, out, "diffDst", diffDst);
        }
        if (diffBias != null) {
            noOverlap(op, diffWeights, "diffBias", diffBias);
        }
        return s;
    }
}
