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

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
