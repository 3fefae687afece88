package org.jdnn.testing;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.tensor.Tensor;

import java.util.List;

/** Runs one backend's kernel into outputs a test allocated, through the same checks as every op call. */
public final class Kernels {
    private Kernels() {
    }

    /** {@code op} on {@code backend}: inputs (null for an absent optional one), then the outputs. */
    public static <P> void run(Backend backend, Op<P> op, P params, Tensor[] inputs, Tensor... outputs) {
        Dispatch.run(backend, op, params, inputs, outputs);
    }

    /** The inputs of a {@link #run} call. */
    public static Tensor[] in(Tensor... inputs) {
        return inputs;
    }

    /** conv2d's input-gradient params for an input gradient of {@code gradInput}'s shape. */
    public static Conv2dOps.DataGradParams dataGrad(Conv2dParams conv, Tensor gradInput) {
        return conv == null ? null : new Conv2dOps.DataGradParams(conv, gradInput == null ? null : gradInput.shape());
    }

    /** conv2d's weight-gradient params for the given gradient tensors (bias gradient null when not wanted). */
    public static Conv2dOps.WeightGradParams weightGrad(Conv2dParams conv, Tensor gradWeight, Tensor gradBias) {
        return conv == null ? null
                : new Conv2dOps.WeightGradParams(conv, gradWeight == null ? null : gradWeight.shape(), gradBias != null);
    }

    public static ConvTranspose2dOps.DataGradParams dataGrad(ConvTranspose2dParams conv, Tensor gradInput) {
        return conv == null ? null
                : new ConvTranspose2dOps.DataGradParams(conv, gradInput == null ? null : gradInput.shape());
    }

    public static ConvTranspose2dOps.WeightGradParams weightGrad(ConvTranspose2dParams conv, Tensor gradWeight,
                                                                 Tensor gradBias) {
        return conv == null ? null : new ConvTranspose2dOps.WeightGradParams(conv,
                gradWeight == null ? null : gradWeight.shape(), gradBias != null);
    }

    /** sum_to_shape's params for an output like {@code out}. */
    public static ReductionOps.SumToShapeParams sumTo(Tensor out) {
        return new ReductionOps.SumToShapeParams(out == null ? null : out.shape());
    }

    /** {@code out = a op b} (binary) on {@code backend}; out may be a (in place). */
    public static void binary(Backend backend, BinaryParams params, Tensor a, Tensor b, Tensor out) {
        run(backend, BinaryOps.BINARY, params, in(a, b), out);
    }

    /** {@code out = a op scalar} (binary_scalar) on {@code backend}; a null params stays null. */
    public static void binaryScalar(Backend backend, BinaryParams params, Tensor a, float scalar, Tensor out) {
        run(backend, BinaryOps.BINARY_SCALAR, params == null ? null : new BinaryOps.ScalarParams(params.algorithm(), scalar),
                in(a), out);
    }

    /** {@code dst = reduce(src)} on {@code backend}. */
    public static void reduce(Backend backend, ReductionParams params, Tensor src, Tensor dst) {
        run(backend, ReductionOps.REDUCE, params, in(src), dst);
    }

    /** The reduction's input gradient {@code diffSrc} from the forward's {@code src}, {@code dst} and {@code diffDst}. */
    public static void reduceBackward(Backend backend, ReductionParams params, Tensor src, Tensor dst, Tensor diffDst,
                                      Tensor diffSrc) {
        run(backend, ReductionOps.REDUCE_BACKWARD, params, in(src, dst, diffDst), diffSrc);
    }

    /** concat of {@code parts} (a null list stays null) along {@code axis} into {@code dst}. */
    public static void concat(Backend backend, int axis, List<Tensor> parts, Tensor dst) {
        run(backend, ConcatOps.CONCAT, new ConcatOps.ConcatParams(axis), parts == null ? null : parts.toArray(new Tensor[0]),
                dst);
    }

    /** split of {@code src} along {@code axis} into {@code parts}, with their sizes (0 for a null part). */
    public static void split(Backend backend, int axis, Tensor src, List<Tensor> parts) {
        long[] sizes = new long[parts == null ? 0 : parts.size()];
        for (int i = 0; i < sizes.length; i++) {
            Tensor part = parts.get(i);
            sizes[i] = part == null || src == null || part.rank() != src.rank() || src.rank() == 0 ? 0
                    : part.size(Math.floorMod(axis, src.rank()));
        }
        run(backend, ConcatOps.SPLIT, new ConcatOps.SplitParams(axis, sizes), in(src),
                parts == null ? null : parts.toArray(new Tensor[0]));
    }

    /** pool2d's backward params for an input gradient of {@code gradInput}'s shape. */
    public static org.jdnn.ops.Pool2dOps.BackwardParams poolGrad(org.jdnn.ops.Pool2dParams pool, Tensor gradInput) {
        return pool == null ? null
                : new org.jdnn.ops.Pool2dOps.BackwardParams(pool, gradInput == null ? null : gradInput.shape());
    }

    /**
     * pool2d's training forward of {@code input} into {@code out} on {@code backend}; returns the workspace the kernel
     * made (null for average pooling), the caller's to close.
     */
    public static Tensor poolTraining(Backend backend, org.jdnn.ops.Pool2dParams pool, Tensor input, Tensor out) {
        Tensor[] outputs = {out, null};
        run(backend, org.jdnn.ops.Pool2dOps.TRAINING, pool, in(input), outputs);
        return outputs[1];
    }

    /** batchnorm's backward params for the given parameter-gradient tensors (null when not wanted). */
    public static org.jdnn.ops.BatchNormOps.BackwardParams normGrad(org.jdnn.ops.BatchNormParams norm,
                                                                    boolean training, Tensor gradWeight,
                                                                    Tensor gradBias) {
        return norm == null ? null
                : new org.jdnn.ops.BatchNormOps.BackwardParams(norm, training, gradWeight != null, gradBias != null);
    }

    /** batchnorm's running-statistics params for statistics over {@code count} values per channel. */
    public static org.jdnn.ops.BatchNormOps.RunningStatsParams runningStats(org.jdnn.ops.BatchNormParams norm,
                                                                            long count) {
        return norm == null ? null : new org.jdnn.ops.BatchNormOps.RunningStatsParams(norm, count);
    }
}
