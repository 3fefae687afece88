package org.jdnn.backend;

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
}
