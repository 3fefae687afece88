package org.jdnn.nn.inference;

import org.jdnn.autograd.F;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link org.jdnn.nn.models.UNet} for inference ({@link Inference#optimize}): the same forward over its rewritten
 * parts, each double convolution two fused convolutions (batch norm folded, ReLU fused).
 */
public final class FusedUNet extends Module {
    private final List<Module> down;
    private final Module bottom;
    private final Module pool;
    private final Module upsample;
    private final List<Module> upconv;
    private final List<Module> up;
    private final Module head;

    /** {@code upsample} null with transposed-convolution upsampling ({@code upconv} one per level), else upconv empty. */
    FusedUNet(List<Module> down, Module bottom, Module pool, Module upsample, List<Module> upconv, List<Module> up,
              Module head) {
        this.down = List.copyOf(down);
        this.up = List.copyOf(up);
        this.upconv = List.copyOf(upconv);
        for (int d = 0; d < down.size(); d++) {
            registerModule("down" + d, down.get(d));
        }
        this.bottom = registerModule("bottom", bottom);
        for (int d = 0; d < up.size(); d++) {
            registerModule("up" + d, up.get(d));
        }
        this.pool = registerModule("pool", pool);
        this.upsample = upsample == null ? null : registerModule("upsample", upsample);
        for (int d = 0; d < upconv.size(); d++) {
            registerModule("upconv" + d, upconv.get(d));
        }
        this.head = registerModule("head", head);
    }

    @Override
    public Tensor forward(Tensor input) {
        int depth = down.size();
        long multiple = 1L << depth;
        if (input.rank() != 4 || input.size(2) % multiple != 0 || input.size(3) % multiple != 0) {
            throw new IllegalArgumentException("UNet: input must be (N, C, H, W) with H and W multiples of " + multiple
                    + ", got " + input.shape());
        }
        List<Tensor> skips = new ArrayList<>();
        Tensor x = input;
        for (int d = 0; d < depth; d++) {
            x = down.get(d).call(x);
            skips.add(x);
            x = pool.call(x);
        }
        x = bottom.call(x);
        for (int d = depth - 1; d >= 0; d--) {
            Tensor upsampled = upsample != null ? upsample.call(x) : upconv.get(d).call(x);
            x = up.get(d).call(F.concat(1, upsampled, skips.get(d)));
        }
        return head.call(x);
    }
}
