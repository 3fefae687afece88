package org.jdnn.nn.models;

import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.Dropout;
import org.jdnn.nn.Flatten;
import org.jdnn.nn.Linear;
import org.jdnn.nn.MaxPool2d;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.init.FanMode;
import org.jdnn.nn.init.Init;
import org.jdnn.nn.init.Nonlinearity;

import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The models the {@code train} command offers, for one-channel images and 10 classes: mlp, lenet and cnn take 28x28
 * (Fashion-MNIST as it comes), resnet18 takes 32x32 (Fashion-MNIST padded, see {@link #inputShape}). Also the small
 * U-Net of the benchmarks ({@link #unet}), which the {@code train} command does not offer (it segments, it does not
 * classify).
 *
 * <p>In the models without batch norm (mlp, lenet) every convolution and fully connected layer starts from He
 * initialisation (kaiming normal, fan-in, ReLU gain; zero biases), as these are ReLU networks, rather than the
 * modules' PyTorch default (kaiming uniform with a = sqrt(5), i.e. U(+-1/sqrt(fanIn)), under which activations
 * shrink layer by layer). LeNet on Fashion-MNIST, Adam 1e-3, batch 128, 5 epochs, no label smoothing, test
 * accuracy: PyTorch's default 87.91 / 87.42 % (seeds 42 / 1), He 88.57 / 87.46 / 88.69 % (seeds 42 / 1 / 2).
 */
public final class Models {
    public static final List<String> NAMES = List.of("mlp", "lenet", "cnn", "resnet18");

    private Models() {
    }

    /** A model by name, its weights drawn from {@code seed}. */
    public static Module create(String name, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return switch (name) {
            case "mlp" -> mlp(random);
            case "lenet" -> lenet(random);
            case "cnn" -> cnn(random, seed);
            case "resnet18" -> resnet18(1, 10, seed);
            default -> throw unknown(name);
        };
    }

    /**
     * The shape (C, H, W) of one input sample of the model {@code name}: {1, 28, 28} for mlp, lenet and cnn,
     * {1, 32, 32} for resnet18, whose CIFAR stem and three stride-2 stages are laid out for 32x32 (4x4 at the end).
     */
    public static long[] inputShape(String name) {
        return switch (name) {
            case "mlp", "lenet", "cnn" -> new long[] {1, 28, 28};
            case "resnet18" -> new long[] {1, 32, 32};
            default -> throw unknown(name);
        };
    }

    /** ResNet-18 with the CIFAR stem (3x3 stride-1 convolution, no max pooling), for 32x32 images. */
    public static Module resnet18(long inChannels, long numClasses, long seed) {
        return ResNet.resnet18(inChannels, numClasses, ResNet.Stem.CIFAR, seed);
    }

    /**
     * The small U-Net for 64x64 images: base width 16 and depth 3 (16, 32, 64 channels down, 128 at the bottom at
     * 8x8), transposed-convolution upsampling as in the original U-Net.
     */
    public static Module unet(long inChannels, long numClasses, long seed) {
        return new UNet(inChannels, numClasses, 16, 3, UNet.Upsampling.TRANSPOSED_CONV, seed);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("model: unknown '" + name + "', expected one of " + NAMES);
    }

    /** 784-256-128-10 with ReLU. */
    static Module mlp(SplittableRandom random) {
        return new Sequential(
                new Flatten(),
                linear(784, 256, true, random), new ReLU(),
                linear(256, 128, true, random), new ReLU(),
                linear(128, 10, true, random));
    }

    /** LeNet-5 with ReLU and max pooling: conv 6@5x5 (pad 2) - pool - conv 16@5x5 - pool - 120 - 84 - 10. */
    static Module lenet(SplittableRandom random) {
        return new Sequential(
                conv(1, 6, 5, 2, random), new ReLU(), new MaxPool2d(2),
                conv(6, 16, 5, 0, random), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                linear(400, 120, true, random), new ReLU(),
                linear(120, 84, true, random), new ReLU(),
                linear(84, 10, true, random));
    }

    /** Two conv-BN-ReLU-pool blocks (32 and 64 channels), then dropout and two fully connected layers. */
    static Module cnn(SplittableRandom random, long seed) {
        // PyTorch's default init here: batch norm rescales every conv output, and He init measured no better
        // (10 epochs, seed 42: 91.71 % with He and label smoothing, 92.07 % with the defaults, no smoothing).
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1, 1, 1, true, random), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1, 1, 1, true, random), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Dropout(0.25f, seed + 1),
                new Linear(64 * 7 * 7, 128, true, random), new ReLU(),
                new Dropout(0.25f, seed + 2),
                new Linear(128, 10, true, random));
    }

    private static Conv2d conv(long in, long out, long kernel, long padding, SplittableRandom random) {
        Conv2d conv = new Conv2d(in, out, kernel, 1, padding, 1, 1, true, random);
        heInit(conv.weight(), conv.bias(), random);
        return conv;
    }

    private static Linear linear(long in, long out, boolean bias, SplittableRandom random) {
        Linear linear = new Linear(in, out, bias, random);
        heInit(linear.weight(), linear.bias(), random);
        return linear;
    }

    private static void heInit(Tensor weight, Tensor bias, SplittableRandom random) {
        Init.kaimingNormal(weight, 0, FanMode.FAN_IN, Nonlinearity.RELU, random);
        if (bias != null) {
            Init.zeros(bias);
        }
    }
}
