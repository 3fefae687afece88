package org.jdnn.backend;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.tensor.Tensor;

/**
 * The kernel interface every backend implements. Kernels write into output tensors the caller allocated
 * with the shape the op's shape rule gives; they validate their operands before any native code runs.
 */
public interface Backend {
    /** The backend's name: "reference", "onednn", "cuda". */
    String name();

    /** {@code out = op(a) @ op(b) (+ bias)}; bias may be null. See {@link org.jdnn.ops.MatmulShapes}. */
    void matmul(MatmulParams params, Tensor a, Tensor b, Tensor bias, Tensor out);

    /** {@code dst = f(src)} element-wise; dst may be src (in place). */
    void eltwiseForward(EltwiseParams params, Tensor src, Tensor dst);

    /** {@code diffSrc = f'(src) * diffDst} element-wise, from the forward input {@code src}. */
    void eltwiseBackward(EltwiseParams params, Tensor src, Tensor diffDst, Tensor diffSrc);

    // ---- conv2d ----

    /** {@code dst = conv2d(src, weights) (+ bias)}; bias may be null. See {@link org.jdnn.ops.Conv2dShapes}. */
    void conv2dForward(Conv2dParams params, Tensor src, Tensor weights, Tensor bias, Tensor dst);

    /** The gradient of conv2d with respect to its input: {@code diffSrc} (input-shaped) from {@code diffDst}. */
    void conv2dBackwardData(Conv2dParams params, Tensor diffDst, Tensor weights, Tensor diffSrc);

    /** The gradients of conv2d with respect to weights and (when {@code diffBias} is not null) bias; overwrites both. */
    void conv2dBackwardWeights(Conv2dParams params, Tensor src, Tensor diffDst, Tensor diffWeights, Tensor diffBias);

    // ---- conv_transpose2d ----

    /** {@code dst = conv_transpose2d(src, weights) (+ bias)}, PyTorch weight layout (in, out/groups, KH, KW); bias may be null. */
    void convTranspose2dForward(ConvTranspose2dParams params, Tensor src, Tensor weights, Tensor bias, Tensor dst);

    /** The gradient of conv_transpose2d with respect to its input. */
    void convTranspose2dBackwardData(ConvTranspose2dParams params, Tensor diffDst, Tensor weights, Tensor diffSrc);

    /** The gradients of conv_transpose2d with respect to weights and (when {@code diffBias} is not null) bias. */
    void convTranspose2dBackwardWeights(ConvTranspose2dParams params, Tensor src, Tensor diffDst, Tensor diffWeights,
                                        Tensor diffBias);
}
