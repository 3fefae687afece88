package org.jdnn.nn.models;

import org.jdnn.autograd.F;
import org.jdnn.nn.AdaptiveAvgPool2d;
import org.jdnn.nn.BasicBlock;
import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.Linear;
import org.jdnn.nn.MaxPool2d;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.init.FanMode;
import org.jdnn.nn.init.Init;
import org.jdnn.nn.init.Nonlinearity;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ResNet with basic blocks (He et al. 2016), torchvision's {@code resnet18} / {@code resnet34} layout and child names
 * ({@code conv1, bn1, relu, maxpool, layer1..layer4, avgpool, fc}), so state dicts line up: a stem, four stages of
 * {@link BasicBlock}s (64, 128, 256, 512 channels; the last three start with stride 2), global average pooling and a
 * fully connected layer. Initialised as torchvision: convolutions kaiming-normal (fan-out, ReLU), batch norm weight 1
 * and bias 0, the fully connected layer PyTorch's default.
 *
 * <p>The {@link Stem#IMAGENET} stem (7x7 stride-2 convolution, 3x3 stride-2 max pooling) divides the input by 32 and
 * suits 224x224 images, though any input of at least 32x32 works (the adaptive pooling takes what the stages leave).
 * The {@link Stem#CIFAR} stem (3x3 stride-1 convolution, no {@code maxpool} child) divides it by 8 only, so small
 * images such as CIFAR's 32x32 still leave 4x4 for the last stage.
 */
public class ResNet extends Module {
    /** The first layers, before the stages. */
    public enum Stem {
        /** 7x7 convolution with stride 2 and padding 3, batch norm, ReLU, 3x3 max pooling with stride 2. */
        IMAGENET,
        /** 3x3 convolution with stride 1 and padding 1, batch norm, ReLU; no max pooling. */
        CIFAR
    }

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ReLU relu;
    /** Null with the CIFAR stem. */
    private final MaxPool2d maxpool;
    private final Sequential[] layers = new Sequential[4];
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    /**
     * A ResNet for 3-channel images with the ImageNet stem, {@code blocks[i]} basic blocks in stage i (four stages)
     * and {@code numClasses} outputs, its weights drawn from {@code seed}.
     */
    public ResNet(int[] blocks, long numClasses, long seed) {
        this(blocks, 3, numClasses, Stem.IMAGENET, seed);
    }

    /**
     * A ResNet for {@code inChannels}-channel images with the given stem, {@code blocks[i]} basic blocks in stage i
     * (four stages) and {@code numClasses} outputs, its weights drawn from {@code seed}.
     */
    public ResNet(int[] blocks, long inChannels, long numClasses, Stem stem, long seed) {
        if (blocks == null || blocks.length != 4 || Arrays.stream(blocks).anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("ResNet: blocks must be four counts >= 1, got " + Arrays.toString(blocks));
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("ResNet: numClasses must be >= 1, got " + numClasses);
        }
        if (inChannels < 1) {
            throw new IllegalArgumentException("ResNet: inChannels must be >= 1, got " + inChannels);
        }
        if (stem == null) {
            throw new IllegalArgumentException("ResNet: stem must be one of " + Arrays.toString(Stem.values())
                    + ", got null");
        }
        SplittableRandom random = new SplittableRandom(seed);
        conv1 = registerModule("conv1", stem == Stem.IMAGENET
                ? new Conv2d(inChannels, 64, 7, 2, 3, 1, 1, false, random)
                : new Conv2d(inChannels, 64, 3, 1, 1, 1, 1, false, random));
        bn1 = registerModule("bn1", new BatchNorm2d(64));
        relu = registerModule("relu", new ReLU());
        maxpool = stem == Stem.IMAGENET ? registerModule("maxpool", new MaxPool2d(3, 2, 1)) : null;
        long in = 64;
        for (int stage = 0; stage < 4; stage++) {
            long width = 64L << stage;
            Sequential layer = new Sequential();
            for (int b = 0; b < blocks[stage]; b++) {
                layer.add(new BasicBlock(b == 0 ? in : width, width, b == 0 && stage > 0 ? 2 : 1, random));
            }
            in = width;
            layers[stage] = registerModule("layer" + (stage + 1), layer);
        }
        avgpool = registerModule("avgpool", new AdaptiveAvgPool2d(1));
        fc = registerModule("fc", new Linear(512, numClasses, true, random));
        for (Map.Entry<String, Tensor> p : namedParameters().entrySet()) {
            if (p.getValue().rank() == 4) {
                Init.kaimingNormal(p.getValue(), 0, FanMode.FAN_OUT, Nonlinearity.RELU, random);
            }
        }
    }

    /** ResNet-18: two basic blocks per stage (11.7 M parameters with 1000 classes). */
    public static ResNet resnet18(long numClasses) {
        return resnet18(numClasses, Init.DEFAULT_SEED);
    }

    public static ResNet resnet18(long numClasses, long seed) {
        return new ResNet(new int[] {2, 2, 2, 2}, numClasses, seed);
    }

    /**
     * ResNet-18 for {@code inChannels}-channel images with the given stem (11,172,810 parameters with the CIFAR stem,
     * one input channel and 10 classes).
     */
    public static ResNet resnet18(long inChannels, long numClasses, Stem stem, long seed) {
        return new ResNet(new int[] {2, 2, 2, 2}, inChannels, numClasses, stem, seed);
    }

    /** ResNet-34: 3, 4, 6 and 3 basic blocks (21.8 M parameters with 1000 classes). */
    public static ResNet resnet34(long numClasses) {
        return resnet34(numClasses, Init.DEFAULT_SEED);
    }

    public static ResNet resnet34(long numClasses, long seed) {
        return new ResNet(new int[] {3, 4, 6, 3}, numClasses, seed);
    }

    /** Logits (N, numClasses) of images (N, inChannels, H, W). */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = relu.forward(bn1.forward(conv1.forward(input)));
        if (maxpool != null) {
            x = maxpool.forward(x);
        }
        for (Sequential layer : layers) {
            x = layer.forward(x);
        }
        x = avgpool.forward(x);
        return fc.forward(F.flatten(x, 1));
    }
}
