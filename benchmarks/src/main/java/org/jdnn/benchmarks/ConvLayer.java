package org.jdnn.benchmarks;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.tensor.Shape;

/**
 * A square stride-1 convolution layer of a benchmarked network: {@code inChannels} to {@code outChannels},
 * a {@code kernel} x {@code kernel} filter with {@code padding} on each side, over {@code size} x {@code size}
 * inputs, with or without bias.
 */
record ConvLayer(long inChannels, long outChannels, long kernel, long size, long padding, boolean bias) {
    /** LeNet-5's first convolution: 1 -> 6, 5x5, padding 2 on 28x28 (MNIST), output 28x28. */
    static final ConvLayer LENET_CONV1 = new ConvLayer(1, 6, 5, 28, 2, true);
    /** LeNet-5's second convolution: 6 -> 16, 5x5 on the pooled 14x14, output 10x10. */
    static final ConvLayer LENET_CONV2 = new ConvLayer(6, 16, 5, 14, 0, true);
    /** A ResNet-18 conv2_x basic-block convolution: 64 -> 64, 3x3, padding 1 on 56x56, no bias (batchnorm follows). */
    static final ConvLayer RESNET_BLOCK = new ConvLayer(64, 64, 3, 56, 1, false);

    /** The LeNet layer called {@code name} ("conv1" or "conv2"). */
    static ConvLayer lenet(String name) {
        return switch (name) {
            case "conv1" -> LENET_CONV1;
            case "conv2" -> LENET_CONV2;
            default -> throw new IllegalArgumentException("benchmark: unknown LeNet conv layer '" + name + "'");
        };
    }

    Conv2dParams params() {
        return Conv2dParams.of(1, padding);
    }

    long outputSize() {
        return size + 2 * padding - kernel + 1;
    }

    Shape input(long batch) {
        return Shape.of(batch, inChannels, size, size);
    }

    Shape weight() {
        return Shape.of(outChannels, inChannels, kernel, kernel);
    }

    Shape output(long batch) {
        return Shape.of(batch, outChannels, outputSize(), outputSize());
    }

    /**
     * Multiply-adds times two of one pass: {@code 2 N OC OH OW IC KH KW}. Forward, backward data and backward
     * weights each do that many (the bias and its gradient are negligible and not counted).
     */
    double flopPerCall(long batch) {
        return 2.0 * batch * outChannels * outputSize() * outputSize() * inChannels * kernel * kernel;
    }
}
