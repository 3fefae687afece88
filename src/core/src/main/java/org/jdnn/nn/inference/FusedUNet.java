package org.jdnn.nn.inference;

import org.jdnn.nn.Module;
import org.jdnn.nn.models.UNetParts;
import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * A {@link org.jdnn.nn.models.UNet} for inference ({@link Inference#optimize}): the same forward ({@link UNetParts})
 * over its rewritten parts, each double convolution two fused convolutions (batch norm folded, ReLU fused).
 */
public final class FusedUNet extends Module {
    private final UNetParts parts;

    /** {@code upsample} null with transposed-convolution upsampling ({@code upconv} one per level), else upconv empty. */
    FusedUNet(List<Module> down, Module bottom, Module pool, Module upsample, List<Module> upconv, List<Module> up,
              Module head) {
        this.parts = new UNetParts(down, pool, bottom, upsample, upconv, up, head);
        for (int d = 0; d < down.size(); d++) {
            registerModule("down" + d, down.get(d));
        }
        registerModule("bottom", bottom);
        for (int d = 0; d < up.size(); d++) {
            registerModule("up" + d, up.get(d));
        }
        registerModule("pool", pool);
        if (upsample != null) {
            registerModule("upsample", upsample);
        }
        for (int d = 0; d < upconv.size(); d++) {
            registerModule("upconv" + d, upconv.get(d));
        }
        registerModule("head", head);
    }

    @Override
    public Tensor forward(Tensor input) {
        return parts.forward(input);
    }
}
