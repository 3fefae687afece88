package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.Init;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The ResNet basic block (He et al. 2016; torchvision's {@code BasicBlock}, same child names so state dicts
 * line up): {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))} with 3x3 convolutions without bias,
 * the first one strided. The shortcut is the identity when the shape is kept, otherwise
 * {@code downsample} = 1x1 strided convolution + batch norm.
 */
public class BasicBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ReLU relu;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    public BasicBlock(long inChannels, long outChannels, long stride) {
        this(inChannels, outChannels, stride, Init.defaultGenerator());
    }

    public BasicBlock(long inChannels, long outChannels, long stride, long seed) {
        this(inChannels, outChannels, stride, new SplittableRandom(seed));
    }

    public BasicBlock(long inChannels, long outChannels, long stride, RandomGenerator random) {
        conv1 = registerModule("conv1", new Conv2d(inChannels, outChannels, 3, stride, 1, 1, 1, false, random));
        bn1 = registerModule("bn1", new BatchNorm2d(outChannels));
        relu = registerModule("relu", new ReLU());
        conv2 = registerModule("conv2", new Conv2d(outChannels, outChannels, 3, 1, 1, 1, 1, false, random));
        bn2 = registerModule("bn2", new BatchNorm2d(outChannels));
        downsample = stride != 1 || inChannels != outChannels
                ? registerModule("downsample", new Sequential(
                        new Conv2d(inChannels, outChannels, 1, stride, 0, 1, 1, false, random),
                        new BatchNorm2d(outChannels)))
                : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor identity = downsample == null ? input : downsample.call(input);
        Tensor out = relu.call(bn1.call(conv1.call(input)));
        out = bn2.call(conv2.call(out));
        return relu.call(F.add(out, identity));
    }

    /** The projection shortcut, or null when the shortcut is the identity. */
    public Sequential downsample() {
        return downsample;
    }
}
