package org.jdnn.benchmarks.compare;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.List;

/**
 * The PyTorch side's models as DJL blocks, layer for layer the shapes of the jdnn models (DJL's blocks run
 * libtorch's operators: linear, conv2d, batch_norm, max_pool2d...). Weights start from DJL's default initialiser;
 * their values do not change the work a step does.
 */
final class TorchModels {
    private TorchModels() {
    }

    static Block create(Workload w) {
        return switch (w.name()) {
            case "mlp" -> mlp();
            case "lenet" -> lenet();
            case "resnet18" -> resnet18(w.classes());
            case "unet" -> unet(w.classes());
            default -> throw new IllegalArgumentException("--models: no PyTorch definition of '" + w.name() + "'");
        };
    }

    /** jdnn's {@code Models.create("mlp")}: 784-256-128-10 with ReLU. */
    static Block mlp() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock(784))
                .add(linear(256)).add(Activation.reluBlock())
                .add(linear(128)).add(Activation.reluBlock())
                .add(linear(10));
    }

    /** jdnn's {@code Models.create("lenet")}: conv 6@5x5 pad 2, pool, conv 16@5x5, pool, 120, 84, 10 (ReLU). */
    static Block lenet() {
        return new SequentialBlock()
                .add(conv(6, 5, 1, 2, true)).add(Activation.reluBlock()).add(maxPool2())
                .add(conv(16, 5, 1, 0, true)).add(Activation.reluBlock()).add(maxPool2())
                .add(Blocks.batchFlattenBlock(400))
                .add(linear(120)).add(Activation.reluBlock())
                .add(linear(84)).add(Activation.reluBlock())
                .add(linear(10));
    }

    /**
     * ResNet-18 with the CIFAR stem, as jdnn's {@code Models.resnet18}: a 3x3 stride-1 convolution (64, no bias),
     * batch norm and ReLU, no max pooling; four stages of two basic blocks (64, 128, 256, 512 channels; the first
     * block of stages 2 to 4 has stride 2 and a 1x1 convolution + batch norm shortcut); global average pooling and
     * a fully connected layer.
     */
    static Block resnet18(int classes) {
        SequentialBlock net = new SequentialBlock()
                .add(conv(64, 3, 1, 1, false)).add(batchNorm()).add(Activation.reluBlock());
        int in = 64;
        for (int stage = 0; stage < 4; stage++) {
            int width = 64 << stage;
            for (int b = 0; b < 2; b++) {
                int stride = b == 0 && stage > 0 ? 2 : 1;
                net.add(basicBlock(b == 0 ? in : width, width, stride));
            }
            in = width;
        }
        return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock(512)).add(linear(classes));
    }

    /** relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), as jdnn's {@code BasicBlock}. */
    static Block basicBlock(int in, int out, int stride) {
        Block main = new SequentialBlock()
                .add(conv(out, 3, stride, 1, false)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(out, 3, 1, 1, false)).add(batchNorm());
        Block shortcut = stride != 1 || in != out
                ? new SequentialBlock().add(conv(out, 1, stride, 0, false)).add(batchNorm())
                : Blocks.identityBlock();
        return new SequentialBlock().add(residual(main, shortcut)).add(Activation.reluBlock());
    }

    /** jdnn's {@code Models.unet}: base width 16, depth 3, transposed-convolution upsampling. */
    static Block unet(int classes) {
        return new SequentialBlock().add(unetLevel(0, 3, 16)).add(conv(classes, 1, 1, 0, true));
    }

    /**
     * Level {@code d} of the U-Net and everything below it: the double convolution down (width {@code base * 2^d}),
     * then the concatenation of [2x2 max pooling, the next level (or the bottom double convolution), 2x2 stride-2
     * transposed convolution back to the width ({@link UpConv2x2})] with the level's own output (jdnn's order: upsampled first, skip
     * second), then the double convolution up from twice the width.
     */
    static Block unetLevel(int d, int depth, int base) {
        int width = base << d;
        Block inner = d + 1 < depth ? unetLevel(d + 1, depth, base) : doubleConv(base << depth);
        Block deeper = new SequentialBlock().add(maxPool2()).add(inner)
                .add(new UpConv2x2(2L * width, width));
        Block skip = new ParallelBlock(outputs -> new NDList(NDArrays.concat(
                new NDList(outputs.get(0).singletonOrThrow(), outputs.get(1).singletonOrThrow()), 1)),
                List.of(deeper, Blocks.identityBlock()));
        return new SequentialBlock().add(doubleConv(width)).add(skip).add(doubleConv(width));
    }

    /** Twice (3x3 convolution with padding 1, no bias, batch norm, ReLU), as jdnn's U-Net. */
    static Block doubleConv(int width) {
        return new SequentialBlock()
                .add(conv(width, 3, 1, 1, false)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(width, 3, 1, 1, false)).add(batchNorm()).add(Activation.reluBlock());
    }

    static Block linear(long units) {
        return Linear.builder().setUnits(units).build();
    }

    static Block conv(int filters, long kernel, long stride, long padding, boolean bias) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(padding, padding)).optBias(bias).build();
    }

    static Block maxPool2() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    static Block batchNorm() {
        return BatchNorm.builder().build();
    }

    /** The sum of two branches' single outputs. */
    static Block residual(Block main, Block shortcut) {
        return new ParallelBlock(outputs -> new NDList(outputs.get(0).singletonOrThrow()
                .add(outputs.get(1).singletonOrThrow())), List.of(main, shortcut));
    }
}
