package org.jdnn.backend;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Device;
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

}
