package org.jdnn.nn.models;

import org.jdnn.loss.Losses;
import org.jdnn.nn.AdaptiveAvgPool2d;
import org.jdnn.nn.Flatten;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.ModuleGradientCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ready models at small inputs (CI time): each has the expected output shape, a few Adam steps on one fixed batch
 * lower its loss, and its gradients agree with finite differences (sampled elements of a few parameters for the large
 * ones; every element of the inception block, on the reference, and oneDNN against it).
 */
class ModelsTest {
    /** Adam steps on one batch; returns the losses, before each step. */
    private static List<Float> train(Module model, Tensor input, java.util.function.Function<Tensor, Tensor> loss,
                                     int steps, double lr) {
        List<Float> losses = new ArrayList<>();
        try (Adam adam = new Adam(model.parameters(), AdamParams.adam(lr))) {
            for (int i = 0; i < steps; i++) {
                try (Scope scope = Scope.open()) {
                    adam.zeroGrad();
                    Tensor l = loss.apply(model.forward(input));
                    losses.add(l.item());
                    l.backward();
                    adam.step();
                }
            }
        }
        return losses;
    }

    private static void assertLearns(String name, List<Float> losses) {
        assertTrue(losses.stream().allMatch(Float::isFinite), name + ": non-finite loss " + losses);
        assertTrue(losses.get(losses.size() - 1) < losses.get(0) * 0.9, name + ": loss did not fall: " + losses);
    }

    private static int[] labels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    @Test
    void aUNetCallsItsChildrenSoTheirForwardHooksRun() {
        try (UNet model = new UNet(1, 2, 4, 2, 7); Scope scope = Scope.open()) {
            List<String> ran = new ArrayList<>();
            model.namedChildren().forEach((name, child) -> child.registerForwardHook((m, in, out) -> {
                ran.add(name);
                return null;
            }));
            assertEquals(Shape.of(1, 2, 8, 8), model.forward(Tensor.randn(3, 1, 1, 8, 8)).shape());
            assertEquals(List.of("down0", "pool", "down1", "pool", "bottom", "upsample", "up1", "upsample", "up0", "head"),
                    ran, "the children's forward hooks, in the order the U-Net runs them");
        }
    }

    @Test
    void resnet18TrainsAndItsGradientsCheck() {
        try (ResNet model = ResNet.resnet18(10, 1); Tensor x = Tensor.randn(2, 2, 3, 32, 32)) {
            assertEquals(11_181_642, model.numParameters(), "torchvision's resnet18 with 10 classes");
            try (Scope scope = Scope.open()) {
                assertEquals(Shape.of(2, 10), model.forward(x).shape());
            }
            model.eval(); // batch norm as the affine map of its running statistics: the differences see no batch
            ModuleGradientCheck.checkSampled("resnet18", model, x, 3, 1e-2, 5e-2, 2,
                    "conv1.weight", "layer3.0.downsample.0.weight", "layer4.1.bn2.weight", "fc.bias");
            model.train();
            int[] y = labels(2, 10);
            assertLearns("resnet18", train(model, x, logits -> Losses.crossEntropy(logits, y), 3, 1e-3));
        }
    }

    @Test
    void resnet34TrainsAndItsGradientsCheck() {
        try (ResNet model = ResNet.resnet34(5, 2); Tensor x = Tensor.randn(4, 2, 3, 32, 32)) {
            assertEquals(21_287_237, model.numParameters(), "torchvision's resnet34 with 5 classes");
            model.eval();
            ModuleGradientCheck.checkSampled("resnet34", model, x, 5, 1e-2, 5e-2, 1,
                    "layer2.3.conv1.weight", "layer3.5.bn1.bias", "fc.weight");
            model.train();
            int[] y = labels(2, 5);
            assertLearns("resnet34", train(model, x, logits -> Losses.crossEntropy(logits, y), 3, 1e-3));
        }
    }

    @Test
    void inceptionBlockTrainsAndItsGradientsCheck() {
        try (Scope scope = Scope.open()) {
            InceptionBlock block = new InceptionBlock(3, 2, 2, 3, 1, 2, 2, 6);
            Tensor x = Tensor.randn(7, 2, 3, 5, 5);
            // Every element in evaluation (batch norm affine), on the reference and oneDNN against it; in training a
            // few, where the batch statistics move with each step.
            block.eval();
            ModuleGradientCheck.check("inception", block, x, 8, 1e-3, 2e-2, 1e-3, "conv2d", "batchnorm", "concat",
                    "pool2d");
            block.train();
            assertEquals(Shape.of(2, 9, 5, 5), block.forward(x).shape());
            ModuleGradientCheck.checkSampled("inception in training", block, x, 8, 1e-2, 5e-2, 3,
                    "branch1.0.weight", "branch2.1.0.weight", "branch3.1.0.weight", "branch4.1.0.weight",
                    "branch4.1.1.bias");
            Module classifier = new Sequential(block, new AdaptiveAvgPool2d(1), new Flatten(), new Linear(9, 3, true, 9));
            int[] y = labels(2, 3);
            assertLearns("inception", train(classifier, x, logits -> Losses.crossEntropy(logits, y), 6, 1e-2));
            InceptionBlock paper = InceptionBlock.inception3a(10);
            assertEquals(Shape.of(1, 256, 4, 4), paper.forward(Tensor.randn(11, 1, 192, 4, 4)).shape());
        }
    }

    @Test
    void unetTrainsAndItsGradientsCheck() {
        try (UNet model = new UNet(3, 1, 4, 2, 12); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(13, 2, 3, 8, 8);
            Tensor logits = model.forward(x);
            assertEquals(Shape.of(2, 1, 8, 8), logits.shape());
            model.eval();
            ModuleGradientCheck.checkSampled("unet", model, x, 14, 1e-2, 5e-2, 3,
                    "down0.0.weight", "down1.3.weight", "bottom.0.weight", "up1.0.weight", "up0.4.bias", "head.weight",
                    "head.bias");
            model.train();
            // Per-pixel targets: 1 where the first channel is positive.
            float[] values = x.toFloatArray();
            float[] mask = new float[2 * 64];
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < 64; i++) {
                    mask[n * 64 + i] = values[n * 192 + i] > 0 ? 1 : 0;
                }
            }
            Tensor target = Tensor.of(mask, 2, 1, 8, 8);
            assertLearns("unet", train(model, x, out -> Losses.binaryCrossEntropyWithLogits(out, target), 6, 1e-2));
            assertThrows(IllegalArgumentException.class, () -> model.forward(Tensor.randn(15, 1, 3, 6, 8)));
        }
    }

    @Test
    void resnet18WithTheCifarStemHasTorchvisionsCountLessTheImageNetStem() {
        try (Module model = Models.resnet18(1, 10, 3)) {
            // conv1 3x3x1x64 = 576, bn1 128;
            // layer1 2 x (2 x 64*64*9 + 2 x 128) = 147,968;
            // layer2 (64*128*9 + 128*128*9 + 2 x 256 + downsample 64*128 + 256) + (2 x 128*128*9 + 2 x 256) = 525,568;
            // layer3 (128*256*9 + 256*256*9 + 2 x 512 + 128*256 + 512) + (2 x 256*256*9 + 2 x 512) = 2,099,712;
            // layer4 (256*512*9 + 512*512*9 + 2 x 1024 + 256*512 + 1024) + (2 x 512*512*9 + 2 x 1024) = 8,393,728;
            // fc 512*10 + 10 = 5,130. In all 11,172,810: torchvision's 11,181,642 with 10 classes, less its 7x7x3x64
            // stem (9,408), plus the 576 of this one.
            assertEquals(11_172_810, model.numParameters(), "resnet18(1, 10) with the CIFAR stem");
            assertEquals(Shape.of(64, 1, 3, 3), model.namedParameters().get("conv1.weight").shape(), "conv1.weight");
            assertFalse(model.namedChildren().containsKey("maxpool"),
                    "the CIFAR stem has no max pooling, children " + model.namedChildren().keySet());
            assertEquals(List.of("conv1", "bn1", "relu", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"),
                    List.copyOf(model.namedChildren().keySet()), "torchvision's child names");
        }
    }

    @Test
    void resnet18WithTheCifarStemClassifies32And64PixelImages() {
        try (Module model = Models.create("resnet18", 4); Scope scope = Scope.open()) {
            assertEquals(Shape.of(2, 10), model.forward(Tensor.randn(5, 2, 1, 32, 32)).shape(), "32x32 input");
            assertEquals(Shape.of(3, 10), model.forward(Tensor.randn(6, 3, 1, 64, 64)).shape(), "64x64 input");
            assertArrayEquals(new long[] {1, 32, 32}, Models.inputShape("resnet18"), "resnet18 input shape");
        }
    }

    @Test
    void theOldConstructorsMeanThreeChannelsAndTheImageNetStem() {
        try (ResNet old = ResNet.resnet18(10, 7); ResNet explicit = ResNet.resnet18(3, 10, ResNet.Stem.IMAGENET, 7);
             Scope scope = Scope.open()) {
            assertEquals(old.namedParameters().keySet(), explicit.namedParameters().keySet(), "parameter names");
            assertTrue(explicit.namedChildren().containsKey("maxpool"), "the ImageNet stem pools");
            for (String name : List.of("conv1.weight", "layer2.0.downsample.0.weight", "fc.weight", "fc.bias")) {
                assertArrayEquals(old.namedParameters().get(name).toFloatArray(),
                        explicit.namedParameters().get(name).toFloatArray(), name + " drawn alike from seed 7");
            }
            Tensor x = Tensor.randn(8, 2, 3, 32, 32);
            assertEquals(Shape.of(2, 10), explicit.forward(x).shape(), "ImageNet stem at 32x32");
        }
    }

    @Test
    void inputShapesOfTheTrainModels() {
        for (String name : List.of("mlp", "lenet", "cnn")) {
            assertArrayEquals(new long[] {1, 28, 28}, Models.inputShape(name), name);
        }
        assertEquals(List.of("mlp", "lenet", "cnn", "resnet18"), Models.NAMES);
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("stem", () -> ResNet.resnet18(1, 10, null, 1));
        assertMessage("inChannels must be >= 1, got 0", () -> ResNet.resnet18(0, 10, ResNet.Stem.CIFAR, 1));
        assertMessage("numClasses must be >= 1, got 0", () -> ResNet.resnet18(1, 0, ResNet.Stem.CIFAR, 1));
        assertMessage("upsampling", () -> new UNet(1, 2, 4, 2, null, 1));
        assertMessage("depth must be in [1, 8], got 0", () -> new UNet(1, 2, 4, 0, UNet.Upsampling.TRANSPOSED_CONV, 1));
        assertMessage("model: unknown 'vgg'", () -> Models.inputShape("vgg"));
        assertMessage("model: unknown 'unet'", () -> Models.create("unet", 1));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should name " + expected);
    }

    @Test
    void smallUnetWithTransposedConvolutionsSegments64PixelImagesAndEveryParameterLearns() {
        try (Module model = Models.unet(1, 3, 9); Scope scope = Scope.open()) {
            assertTrue(model.namedChildren().keySet().containsAll(List.of("upconv0", "upconv1", "upconv2")),
                    "children " + model.namedChildren().keySet());
            assertFalse(model.namedChildren().containsKey("upsample"), "no bilinear upsampling");
            assertEquals(Shape.of(32, 16, 2, 2), model.namedParameters().get("upconv0.weight").shape(),
                    "upconv0 halves 32 channels to 16");
            Tensor x = Tensor.randn(10, 2, 1, 64, 64);
            Tensor logits = model.forward(x);
            assertEquals(Shape.of(2, 3, 64, 64), logits.shape(), "per-pixel logits");
            Losses.mseLoss(logits, Tensor.randn(11, 2, 3, 64, 64)).backward();
            for (var p : model.namedParameters().entrySet()) {
                Tensor grad = p.getValue().grad();
                assertNotNull(grad, p.getKey() + " has no gradient");
                float size = grad.abs().sum().item();
                assertTrue(size > 0 && Float.isFinite(size), p.getKey() + " gradient |g| sum " + size);
            }
        }
    }

    @Test
    void unetWithTransposedConvolutionsTrainsAndItsGradientsCheck() {
        try (Scope scope = Scope.open()) {
            // Every element of a one-level U-Net (the sampled check of a deeper one drowns in float32 rounding: the
            // inner transposed convolution's gradients are ~1e-4), on the reference, and oneDNN against it. A step of
            // 1e-4: a bias moves every pixel of its channel, and 1e-3 already carries some across a ReLU's kink.
            UNet tiny = new UNet(2, 1, 2, 1, UNet.Upsampling.TRANSPOSED_CONV, 19);
            tiny.eval();
            ModuleGradientCheck.check("unet transposed", tiny, Tensor.randn(20, 2, 2, 6, 6), 22, 1e-4, 2e-2, 1e-3,
                    "conv2d", "conv_transpose2d", "batchnorm", "concat", "pool2d");
        }
        try (UNet model = new UNet(3, 1, 4, 2, UNet.Upsampling.TRANSPOSED_CONV, 16); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(17, 2, 3, 8, 8);
            assertEquals(Shape.of(2, 1, 8, 8), model.forward(x).shape());
            Tensor target = Tensor.of(positiveMask(x.toFloatArray(), 2, 3, 64), 2, 1, 8, 8);
            assertLearns("unet transposed",
                    train(model, x, out -> Losses.binaryCrossEntropyWithLogits(out, target), 6, 1e-2));
        }
    }

    /** Per-pixel targets of (n, channels, pixels) values: 1 where the first channel is positive. */
    private static float[] positiveMask(float[] values, int n, int channels, int pixels) {
        float[] mask = new float[n * pixels];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < pixels; i++) {
                mask[s * pixels + i] = values[s * channels * pixels + i] > 0 ? 1 : 0;
            }
        }
        return mask;
    }
}
