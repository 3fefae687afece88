package org.jdnn.nn;

import org.jdnn.tensor.Tensor;

/**
 * Batch normalisation of (N, C, H, W) input, PyTorch's {@code nn.BatchNorm2d}: statistics per channel over
 * N * H * W values. Defaults as PyTorch: eps 1e-5, momentum 0.1, affine.
 */
public class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(long numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    public BatchNorm2d(long numFeatures, float eps, float momentum, boolean affine) {
        super(numFeatures, eps, momentum, affine);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected 4D input (N, C, H, W), got input shape " + input.shape());
        }
        return normalize(input);
    }
}
