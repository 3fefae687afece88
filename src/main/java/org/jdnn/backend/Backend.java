package org.jdnn.backend;

import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;


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

    /** {@code out = op(a) @ op(b) (+ bias)}; bias may be null. See {@link org.jdnn.ops.MatmulShapes}. */
    void matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out);

    /** {@code dst = f(src)} element-wise; dst may be src (in place). */
    void eltwiseForward(EltwiseParams params, Tensor src, Tensor dst);

    /** {@code diffSrc = f'(src) * diffDst} element-wise, from the forward input {@code src}. */
    void eltwiseBackward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc);

    // ---- softmax ----

    /** {@code dst = softmax(src)} (or log-softmax) over {@code params.axis()}; see {@link org.jdnn.ops.SoftmaxShapes}. */
    void softmaxForward(SoftmaxParams params, Tensor src, Tensor dst);

    /** {@code diffSrc} from the forward output {@code dst} and {@code diffDst}. */
    void softmaxBackward(SoftmaxParams params, Tensor dst, Tensor diffDst, Tensor diffSrc);

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
}
