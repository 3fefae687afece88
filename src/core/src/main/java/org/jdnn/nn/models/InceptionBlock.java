package org.jdnn.nn.models;

import org.jdnn.autograd.F;
import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.MaxPool2d;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * GoogLeNet's Inception module (Szegedy et al. 2015, "Inception v1"), torchvision's {@code Inception} child names:
 * four branches on the same input, concatenated on the channels,
 * <ul>
 *   <li>{@code branch1}: 1x1 convolution;</li>
 *   <li>{@code branch2}: 1x1 reduction, then 3x3;</li>
 *   <li>{@code branch3}: 1x1 reduction, then 5x5 (the paper's; torchvision's has a 3x3 there, a known slip);</li>
 *   <li>{@code branch4}: 3x3 max pooling, stride 1, padding 1, ceil mode, then a 1x1 projection,</li>
 * </ul>
 * each convolution without bias followed by batch norm (eps 0.001) and ReLU, as torchvision's {@code BasicConv2d}.
 * The output keeps the input's size and has {@code c1 + c3 + c5 + poolProj} channels.
 */
public class InceptionBlock extends Module {
    private final Sequential branch1;
    private final Sequential branch2;
    private final Sequential branch3;
    private final Sequential branch4;

    public InceptionBlock(long inChannels, long c1, long c3Reduce, long c3, long c5Reduce, long c5, long poolProj,
                          long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        branch1 = registerModule("branch1", basic(inChannels, c1, 1, random));
        branch2 = registerModule("branch2", new Sequential(basic(inChannels, c3Reduce, 1, random),
                basic(c3Reduce, c3, 3, random)));
        branch3 = registerModule("branch3", new Sequential(basic(inChannels, c5Reduce, 1, random),
                basic(c5Reduce, c5, 5, random)));
        branch4 = registerModule("branch4", new Sequential(
                new MaxPool2d(Pool2dParams.max(3, 1, 1).withCeilMode(true)), basic(inChannels, poolProj, 1, random)));
    }

    /** GoogLeNet's inception (3a): 192 channels in, 64 + 128 + 32 + 32 = 256 out. */
    public static InceptionBlock inception3a(long seed) {
        return new InceptionBlock(192, 64, 96, 128, 16, 32, 32, seed);
    }

    /** Convolution (odd square kernel, size kept) without bias, batch norm with eps 0.001, ReLU. */
    private static Sequential basic(long in, long out, long kernel, SplittableRandom random) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("InceptionBlock: channel counts must be >= 1, got " + in + " -> " + out);
        }
        return new Sequential(new Conv2d(in, out, kernel, 1, kernel / 2, 1, 1, false, random),
                new BatchNorm2d(out, 1e-3f, 0.1f, true), new ReLU());
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.concat(1, branch1.forward(input), branch2.forward(input), branch3.forward(input),
                branch4.forward(input));
    }
}
