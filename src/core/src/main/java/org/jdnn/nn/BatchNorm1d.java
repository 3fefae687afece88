package org.jdnn.nn;

import org.jdnn.tensor.Tensor;

/**
 * Batch normalisation of (N, C) or (N, C, L) input, PyTorch's {@code nn.BatchNorm1d}: statistics per channel
 * C over N (and L). Defaults as PyTorch: eps 1e-5, momentum 0.1, affine.
 */
public class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(long numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    public BatchNorm1d(long numFeatures, float eps, float momentum, boolean affine) {
        super(numFeatures, eps, momentum, affine);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() == 2) {
            return normalize(input);
        }
        if (input.rank() == 3) {
            // (N, C, L) is (N, C, L, 1) to the 2-D kernel: the same per-channel statistics over N * L values.
            long[] dims = input.dims();
            return normalize(input.reshape(dims[0], dims[1], dims[2], 1)).reshape(dims);
        }
        throw new IllegalArgumentException("BatchNorm1d: expected 2D or 3D input, got input shape " + input.shape());
    }
}
