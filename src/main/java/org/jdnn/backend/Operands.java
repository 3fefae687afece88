package org.jdnn.backend;

import org.jdnn.ops.BatchNormShapes;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseShapes;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
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

    // ---- fuzz fixes ----

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
