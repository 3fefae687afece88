package org.jdnn.nn.models;

import org.jdnn.autograd.F;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a {@link UNet} and the forward pass over them, shared by the U-Net and its inference form
 * ({@code Inference.optimize}, whose parts are fused convolutions): per level a down block, a max pooling, the bottom
 * block, the upsampling ({@code upsample}, or per level a transposed convolution {@code upconv}), per level an up
 * block over the upsampled map concatenated with the level's skip connection, and the 1x1 head. Children run through
 * {@link Module#call}, so their hooks run.
 *
 * @param upsample the bilinear upsampling, or null with transposed convolutions
 * @param upconv one transposed convolution per level (index 0 the outermost), or empty with {@code upsample}
 */
public record UNetParts(List<? extends Module> down, Module pool, Module bottom, Module upsample,
                        List<? extends Module> upconv, List<? extends Module> up, Module head) {

    public UNetParts {
        down = List.copyOf(down);
        upconv = List.copyOf(upconv);
        up = List.copyOf(up);
        if (down.isEmpty() || up.size() != down.size() || (upsample == null) == upconv.isEmpty()
                || (upsample == null && upconv.size() != down.size())) {
            throw new IllegalArgumentException("UNetParts: " + down.size() + " down and " + up.size() + " up blocks, "
                    + (upsample == null ? upconv.size() + " transposed convolutions" : "bilinear upsampling with "
                    + upconv.size() + " transposed convolutions") + ": expected one of each per level");
        }
    }

    /** Logits (N, classes, H, W) of images (N, C, H, W), H and W multiples of 2^depth. */
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
