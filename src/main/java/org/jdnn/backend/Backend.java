package org.jdnn.backend;

import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.ReductionParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * What every backend provides: its device and its {@link KernelTable}, one kernel per op of the op table.
 *
 * <p>Being moved onto the table: the methods below are the ops not yet declared as {@link org.jdnn.ops.Op}s. Their
 * kernels write into output tensors the caller allocated with the shape the op's shape rule gives, and validate
 * their operands before any native code runs.
 */
public interface Backend {
    /** The backend's name: "reference", "onednn", "cuda". */
    String name();

    /** The device whose memory its kernels read and write. */
    Device device();

    /** Its kernels, one per op it implements ({@link Dispatch} runs them). */
    KernelTable kernels();

    // ---- binary ----

    /** {@code out = a op b} with broadcasting; {@code out} has the broadcast shape ({@link org.jdnn.ops.BroadcastShapes}). */
    void binary(BinaryParams params, Tensor a, Tensor b, Tensor out);

    /** {@code out = a op scalar} element-wise; {@code out} has a's shape and may be {@code a}. */
    void binaryScalar(BinaryParams params, Tensor a, float scalar, Tensor out);

    // ---- reduction ----

    /** {@code dst = reduce(src)} over the params' axes; see {@link org.jdnn.ops.ReductionShapes}. */
    void reduce(ReductionParams params, Tensor src, Tensor dst);

    /**
     * {@code diffSrc} of a reduction: sum broadcasts {@code diffDst}, mean also divides by the count, max sends
     * it to the first maximal element of each slice of {@code src} ({@code dst} is the forward result).
     */
    void reduceBackward(ReductionParams params, Tensor src, Tensor dst, Tensor diffDst, Tensor diffSrc);

    // ---- concat ----

    /** {@code dst} = the {@code srcs} one after another along {@code axis}; see {@link org.jdnn.ops.ConcatShapes}. */
    void concat(int axis, List<Tensor> srcs, Tensor dst);

    /** The inverse of concat (its backward): copies consecutive slices of {@code src} along {@code axis} into {@code dsts}. */
    void split(int axis, Tensor src, List<Tensor> dsts);

    // ---- pool2d ----

    /**
     * A workspace for max pooling forward-with-backward on input shape {@code src}, in this backend's
     * layout; null for average pooling, which needs none. See {@link Pool2dWorkspace}.
     */
    Pool2dWorkspace pool2dWorkspace(Pool2dParams params, Shape src);

    /**
     * 2-d pooling of NCHW {@code src} into {@code dst} (shape from {@link org.jdnn.ops.Pool2dShapes}). For max
     * pooling in training pass a workspace from {@link #pool2dWorkspace}, which this fills for the backward;
     * pass null for inference and for average pooling.
     */
    void pool2dForward(Pool2dParams params, Tensor src, Tensor dst, Pool2dWorkspace workspace);

    /**
     * The gradient of pooling: {@code diffSrc} (the input's shape) from {@code diffDst}. Max pooling needs the
     * workspace its forward filled; average pooling takes null.
     */
    void pool2dBackward(Pool2dParams params, Tensor diffDst, Pool2dWorkspace workspace, Tensor diffSrc);

    // ---- batchnorm ----

    /**
     * Batch normalization of {@code src} (N, C) or (N, C, H, W) per channel:
     * {@code dst = scale * (src - mean) / sqrt(variance + epsilon) + shift}. In training {@code mean} and
     * {@code variance} (C) are outputs: the batch mean and the biased batch variance; otherwise they are
     * inputs (the running statistics). {@code scale} and {@code shift} (C) may each be null (1 and 0).
     */
    void batchNormForward(BatchNormParams params, boolean training, Tensor src, Tensor scale, Tensor shift,
                          Tensor mean, Tensor variance, Tensor dst);

    /**
     * The gradient of {@link #batchNormForward} given the statistics it used: {@code diffSrc} always;
     * {@code diffScale} (needs a scale) and {@code diffShift} when not null. With {@code training} the
     * statistics depend on {@code src} and their gradient flows into {@code diffSrc}; without, they are constants.
     */
    void batchNormBackward(BatchNormParams params, boolean training, Tensor src, Tensor diffDst, Tensor scale,
                           Tensor mean, Tensor variance, Tensor diffSrc, Tensor diffScale, Tensor diffShift);

    /**
     * Folds batch statistics over {@code count} values per channel into the running ones, in place, as PyTorch:
     * {@code runningMean = (1 - m) runningMean + m mean},
     * {@code runningVariance = (1 - m) runningVariance + m variance * count / (count - 1)} (unbiased).
     */
    void batchNormUpdateRunningStats(BatchNormParams params, long count, Tensor mean, Tensor variance,
                                     Tensor runningMean, Tensor runningVariance);

    // ---- optimizer ----

    /**
     * One SGD step in place on {@code param} (see {@link org.jdnn.ops.SgdParams} for the formulas);
     * {@code momentumBuffer} is null when momentum is 0, and is overwritten with the gradient on the first step.
     */
    void sgdUpdate(org.jdnn.ops.SgdParams params, Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep);

    /** AdaGrad step {@code step} (from 1) in place on {@code param} and the running sum of squares. */
    void adagradUpdate(org.jdnn.ops.AdagradParams params, long step, Tensor param, Tensor grad, Tensor sum);

    /**
     * One RMSProp step in place; {@code gradAvg} is null unless centered, {@code momentumBuffer} null unless
     * momentum is positive.
     */
    void rmspropUpdate(org.jdnn.ops.RmspropParams params, Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg,
                       Tensor momentumBuffer);

    /** Adam or AdamW step {@code step} (from 1) in place on {@code param} and the two moment estimates. */
    void adamUpdate(org.jdnn.ops.AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq);
}
