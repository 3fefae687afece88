package org.jdnn.nn.inference;

import org.jdnn.autograd.Autograd;
import org.jdnn.nn.BatchNorm2d;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

/**
 * Batch norm in eval mode folded into the convolution before it. With s = gamma / sqrt(running_var + eps) per output
 * channel, {@code bn(conv(x, w) + b) = conv(x, w * s) + (b - running_mean) * s + beta}: so w' = w * s (each output
 * channel's filter scaled) and b' = (b - mean) * s + beta, b = 0 for a convolution without bias, gamma = 1 and beta = 0
 * without affine. Computed with tensor ops on the module's device; the results are new tensors owned by the caller.
 */
final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** {w', b'} for {@code weight} (O, C/groups, KH, KW) and {@code bias} (O, or null) followed by {@code bn}. */
    static Tensor[] fold(Tensor weight, Tensor bias, BatchNorm2d bn) {
        long channels = weight.size(0);
        if (bn.numFeatures() != channels) {
            throw new IllegalArgumentException("Inference.optimize: batch norm of " + bn.numFeatures()
                    + " features after a convolution with " + channels + " output channels");
        }
        try (var noGrad = Autograd.noGrad()) {
            return Scope.untracked(() -> {
                try (Scope scope = Scope.open()) {
                    Tensor scale = bn.runningVar().add(bn.params().epsilon()).rsqrt();
                    if (bn.weight() != null) {
                        scale = scale.mul(bn.weight());
                    }
                    Tensor folded = weight.mul(scale.reshape(channels, 1, 1, 1)).copy();
                    Tensor shift = (bias == null ? bn.runningMean().neg() : bias.sub(bn.runningMean())).mul(scale);
                    if (bn.bias() != null) {
                        shift = shift.add(bn.bias());
                    }
                    Tensor foldedBias = shift.copy();
                    return new Tensor[] {scope.keep(folded), scope.keep(foldedBias)};
                }
            });
        }
    }
}
