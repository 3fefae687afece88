package org.jdnn.nn.inference;

import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;

/**
 * A ResNet basic block for inference ({@link Inference#optimize}): conv1 with bn1 folded and its ReLU fused; conv2
 * with bn2 folded, and the residual add and the final ReLU fused into it as oneDNN's sum and eltwise post-ops; the
 * projection shortcut (when there is one) with its batch norm folded. Three convolution calls and nothing else,
 * where the training block makes nine ops.
 */
public final class FusedBasicBlock extends Module {
    private final FusedConv2d conv1;
    private final FusedConv2d conv2;
    private final FusedConv2d downsample;

    FusedBasicBlock(FusedConv2d conv1, FusedConv2d conv2, FusedConv2d downsample) {
        this.conv1 = registerModule("conv1", conv1);
        this.conv2 = registerModule("conv2", conv2);
        this.downsample = downsample == null ? null : registerModule("downsample", downsample);
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor identity = downsample == null ? input : downsample.call(input);
        return conv2.forward(conv1.call(input), identity);
    }
}
