package org.jdnn.nn.models;

import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.ConvTranspose2d;
import org.jdnn.nn.MaxPool2d;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.Upsample;
import org.jdnn.ops.UpsampleMode;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small U-Net (Ronneberger et al. 2015) for per-pixel classification: {@code depth} times (double convolution, 2x2
 * max pooling) down, a double convolution at the bottom, then {@code depth} times (2x upsampling, concatenation with
 * the encoder's output of that size, double convolution) up, and a 1x1 convolution to {@code numClasses} logits per
 * pixel. A double convolution is twice (3x3 convolution with padding 1, no bias, batch norm, ReLU), so sizes are
 * kept; level {@code d} has {@code baseWidth * 2^d} channels. The input's height and width must be multiples of
 * {@code 2^depth}.
 *
 * <p>The upsampling is either {@link Upsampling#BILINEAR} (the common form: no parameters, the deeper level's
 * {@code 2 * width} channels go on to the concatenation) or {@link Upsampling#TRANSPOSED_CONV} (the original: a
 * learned 2x2 stride-2 transposed convolution that also halves the channels to {@code width}).
 *
 * <p>Children: {@code down0..}, {@code bottom}, {@code up0..} (the double convolutions, {@code up0} the outermost),
 * {@code pool}, then {@code upsample} (bilinear) or {@code upconv0..} (transposed convolutions, {@code upconv0} the
 * outermost), and {@code head}.
 */
public class UNet extends Module {
    /** How the decoder doubles the height and width. */
    public enum Upsampling {
        /** Bilinear interpolation (align corners false); keeps the channels. */
        BILINEAR,
        /** ConvTranspose2d with a 2x2 kernel and stride 2; halves the channels. */
        TRANSPOSED_CONV
    }

    private final List<Sequential> down = new ArrayList<>();
    private final List<Sequential> up = new ArrayList<>();
    private final Sequential bottom;
    private final MaxPool2d pool;
    /** Set with bilinear upsampling, else null. */
    private final Upsample upsample;
    /** With transposed convolutions: one per level, index 0 the outermost; else empty. */
    private final List<ConvTranspose2d> upconv = new ArrayList<>();
    private final Conv2d head;
    private final UNetParts parts;

    public UNet(long inChannels, long numClasses, long baseWidth, int depth) {
        this(inChannels, numClasses, baseWidth, depth, org.jdnn.nn.init.Init.DEFAULT_SEED);
    }

    public UNet(long inChannels, long numClasses, long baseWidth, int depth, long seed) {
        this(inChannels, numClasses, baseWidth, depth, Upsampling.BILINEAR, seed);
    }

    public UNet(long inChannels, long numClasses, long baseWidth, int depth, Upsampling upsampling, long seed) {
        if (inChannels < 1 || numClasses < 1 || baseWidth < 1) {
            throw new IllegalArgumentException("UNet: inChannels, numClasses and baseWidth must be >= 1, got "
                    + inChannels + ", " + numClasses + ", " + baseWidth);
        }
        if (depth < 1 || depth > 8) {
            throw new IllegalArgumentException("UNet: depth must be in [1, 8], got " + depth);
        }
        if (upsampling == null) {
            throw new IllegalArgumentException("UNet: upsampling must be one of " + Arrays.toString(Upsampling.values())
                    + ", got null");
        }
        SplittableRandom random = new SplittableRandom(seed);
        long in = inChannels;
        for (int d = 0; d < depth; d++) {
            long width = baseWidth << d;
            down.add(registerModule("down" + d, doubleConv(in, width, random)));
            in = width;
        }
        bottom = registerModule("bottom", doubleConv(in, baseWidth << depth, random));
        boolean bilinear = upsampling == Upsampling.BILINEAR;
        for (int d = depth - 1; d >= 0; d--) {
            long width = baseWidth << d;
            // The upsampled deeper level (2 * width channels bilinear, width after a transposed convolution) next to
            // the skip connection (width channels).
            up.add(0, doubleConv(bilinear ? 3 * width : 2 * width, width, random));
        }
        for (int d = 0; d < depth; d++) {
            registerModule("up" + d, up.get(d));
        }
        pool = registerModule("pool", new MaxPool2d(2));
        if (bilinear) {
            upsample = registerModule("upsample", new Upsample(2, UpsampleMode.BILINEAR, false));
        } else {
            upsample = null;
            for (int d = 0; d < depth; d++) {
                long width = baseWidth << d;
                upconv.add(registerModule("upconv" + d,
                        new ConvTranspose2d(2 * width, width, 2, 2, 0, 0, 1, true, 1, random)));
            }
        }
        head = registerModule("head", new Conv2d(baseWidth, numClasses, 1, 1, 0, 1, 1, true, random));
        parts = new UNetParts(down, pool, bottom, upsample, upconv, up, head);
    }

    private static Sequential doubleConv(long in, long out, SplittableRandom random) {
        return new Sequential(new Conv2d(in, out, 3, 1, 1, 1, 1, false, random), new BatchNorm2d(out), new ReLU(),
                new Conv2d(out, out, 3, 1, 1, 1, 1, false, random), new BatchNorm2d(out), new ReLU());
    }

    /** Logits (N, numClasses, H, W) of images (N, inChannels, H, W). */
    @Override
    public Tensor forward(Tensor input) {
        return parts.forward(input);
    }

    /** The blocks the forward pass runs, in its order ({@code Inference.optimize} rewrites them). */
    public UNetParts parts() {
        return parts;
    }
}
