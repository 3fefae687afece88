package org.jdnn.backend;

import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Device;
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
