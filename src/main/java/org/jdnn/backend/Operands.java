package org.jdnn.backend;

import org.jdnn.ops.BatchNormShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.EltwiseShapes;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
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

    // ---- pool2d ----

    /** Checks a pooling forward; {@code format} is the running backend's workspace layout. */
    public static Pool2dShapes pool2dForward(Pool2dParams params, Tensor src, Tensor dst, Pool2dWorkspace workspace,
                                             String format, Device device) {
        notNull("pool2d", "params", params);
        String op = params.algorithm().opName();
        check(op, "src", src, device);
        check(op, "dst", dst, device);
        Pool2dShapes shapes = Pool2dShapes.infer(params, src.shape());
        shapes.checkOutput(op, "dst", dst.shape());
        noOverlap(op, dst, "src", src);
        if (workspace != null) {
            if (params.algorithm() != PoolAlgorithm.MAX) {
                throw new IllegalArgumentException(op + ": average pooling takes no workspace");
            }
            workspace.check(op, format, params, src.shape(), false);
            noOverlap(op, workspace.storage(), "src", src);
            noOverlap(op, workspace.storage(), "dst", dst);
        }
        return shapes;
    }

    /** Checks a pooling backward: max pooling needs its forward's workspace, average pooling none. */
    public static Pool2dShapes pool2dBackward(Pool2dParams params, Tensor diffDst, Pool2dWorkspace workspace,
                                              Tensor diffSrc, String format, Device device) {
        notNull("pool2d backward", "params", params);
        String op = params.algorithm().opName() + " backward";
        check(op, "diffDst", diffDst, device);
        check(op, "diffSrc", diffSrc, device);
        Pool2dShapes shapes = Pool2dShapes.infer(params, diffSrc.shape());
        shapes.checkOutput(op, "diffDst", diffDst.shape());
        noOverlap(op, diffSrc, "diffDst", diffDst);
        if (params.algorithm() == PoolAlgorithm.MAX) {
            if (workspace == null) {
                throw new IllegalArgumentException(op + ": max pooling backward needs the workspace its forward filled");
            }
            workspace.check(op, format, params, diffSrc.shape(), true);
            noOverlap(op, diffSrc, "workspace", workspace.storage());
        } else if (workspace != null) {
            throw new IllegalArgumentException(op + ": average pooling takes no workspace");
        }
        return shapes;
    }

    // ---- batchnorm ----

    /** Checks a batch-norm forward: scale/shift optional; mean/variance outputs in training, inputs otherwise. */
    public static BatchNormShapes batchNormForward(boolean training, Tensor src, Tensor scale, Tensor shift,
                                                   Tensor mean, Tensor variance, Tensor dst, Device device) {
        String op = "batchnorm";
        check(op, "src", src, device);
        check(op, "mean", mean, device);
        check(op, "variance", variance, device);
        check(op, "dst", dst, device);
        BatchNormShapes shapes = BatchNormShapes.infer(src.shape(), training);
        shapes.checkLikeInput(op, "dst", dst.shape());
        shapes.checkChannels(op, "mean", mean.shape());
        shapes.checkChannels(op, "variance", variance.shape());
        perChannel(shapes, op, "scale", scale, device);
        perChannel(shapes, op, "shift", shift, device);
        Tensor[] inputs = {src, scale, shift, mean, variance};
        String[] names = {"src", "scale", "shift", "mean", "variance"};
        int firstInput = training ? 3 : 5; // in training mean and variance are outputs
        for (int i = 0; i < firstInput; i++) {
            if (inputs[i] != null) {
                noOverlap(op, dst, names[i], inputs[i]);
                if (training) {
                    noOverlap(op, mean, names[i], inputs[i]);
                    noOverlap(op, variance, names[i], inputs[i]);
                }
            }
        }
        if (training) {
            noOverlap(op, mean, "variance", variance);
            noOverlap(op, dst, "mean", mean);
            noOverlap(op, dst, "variance", variance);
        }
        return shapes;
    }

    /** Checks a batch-norm backward: diffScale needs a scale; diffScale and diffShift are optional outputs. */
    public static BatchNormShapes batchNormBackward(boolean training, Tensor src, Tensor diffDst, Tensor scale,
                                                    Tensor mean, Tensor variance, Tensor diffSrc, Tensor diffScale,
                                                    Tensor diffShift, Device device) {
        String op = "batchnorm backward";
        check(op, "src", src, device);
        check(op, "diffDst", diffDst, device);
        check(op, "mean", mean, device);
        check(op, "variance", variance, device);
        check(op, "diffSrc", diffSrc, device);
        BatchNormShapes shapes = BatchNormShapes.infer(src.shape(), training);
        shapes.checkLikeInput(op, "diffDst", diffDst.shape());
        shapes.checkLikeInput(op, "diffSrc", diffSrc.shape());
        shapes.checkChannels(op, "mean", mean.shape());
        shapes.checkChannels(op, "variance", variance.shape());
        perChannel(shapes, op, "scale", scale, device);
        perChannel(shapes, op, "diffScale", diffScale, device);
        perChannel(shapes, op, "diffShift", diffShift, device);
        if (diffScale != null && scale == null) {
            throw new IllegalArgumentException(op + ": diffScale requested but the forward had no scale");
        }
        Tensor[] inputs = {src, diffDst, scale, mean, variance};
        String[] names = {"src", "diffDst", "scale", "mean", "variance"};
        Tensor[] outputs = {diffSrc, diffScale, diffShift};
        String[] outputNames = {"diffSrc", "diffScale", "diffShift"};
        for (int o = 0; o < outputs.length; o++) {
            if (outputs[o] == null) {
                continue;
            }
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] != null) {
                    noOverlap(op, outputs[o], names[i], inputs[i]);
                }
            }
            for (int other = o + 1; other < outputs.length; other++) {
                if (outputs[other] != null) {
                    noOverlap(op, outputs[o], outputNames[other], outputs[other]);
                }
            }
        }
        return shapes;
    }

    /** Checks a running-statistics update: four (C) tensors, count > 1 for the unbiased variance. */
    public static void batchNormRunningStats(long count, Tensor mean, Tensor variance, Tensor runningMean,
                                             Tensor runningVariance, Device device) {
        String op = "batchnorm running stats";
        check(op, "mean", mean, device);
        check(op, "variance", variance, device);
        check(op, "runningMean", runningMean, device);
        check(op, "runningVariance", runningVariance, device);
        if (count <= 1) {
            throw new IllegalArgumentException(op + ": need more than 1 value per channel for the unbiased variance, got " + count);
        }
        if (mean.rank() != 1) {
            throw new IllegalArgumentException(op + ": mean must be rank 1 (C), got " + mean.shape());
        }
        BatchNormShapes shapes = BatchNormShapes.infer(org.jdnn.tensor.Shape.of(count, mean.size(0)), false);
        shapes.checkChannels(op, "variance", variance.shape());
        shapes.checkChannels(op, "runningMean", runningMean.shape());
        shapes.checkChannels(op, "runningVariance", runningVariance.shape());
        noOverlap(op, runningMean, "runningVariance", runningVariance);
        noOverlap(op, runningMean, "mean", mean);
        noOverlap(op, runningMean, "variance", variance);
        noOverlap(op, runningVariance, "mean", mean);
        noOverlap(op, runningVariance, "variance", variance);
    }

    private static void perChannel(BatchNormShapes shapes, String op, String name, Tensor t, Device device) {
        if (t != null) {
            check(op, name, t, device);
            shapes.checkChannels(op, name, t.shape());
        }
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
