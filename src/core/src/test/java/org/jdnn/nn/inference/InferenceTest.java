package org.jdnn.nn.inference;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.models.Models;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.PostOps;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Inference#optimize}: the optimised module computes what the eval-mode original computes (to float rounding:
 * folding batch norm changes the order of the roundings) for the library's models on the reference and on oneDNN,
 * with seeded weights and batch-norm statistics far from the identity; folding follows the formula on a case worked
 * by hand; the original is left untouched; training mode, unknown modules and inputs requiring grad are refused.
 */
class InferenceTest {
    private static final double RTOL = 1e-3, ATOL = 1e-4;

    /**
     * Conv 1->2 (1x1, bias [1, 0.5], weights [2, -1]) then batch norm with eps 0.25, running mean [3, -1], running var
     * [0.75, 3.75] (so sqrt(var + eps) = [1, 2]), gamma [0.5, 4], beta [1, -2]: the scale gamma / sqrt(var + eps) is
     * [0.5, 2], so w' = [1, -2] and b' = (b - mean) * scale + beta = [(1 - 3) * 0.5 + 1, (0.5 + 1) * 2 - 2] = [0, 1].
     */
    @Test
    void foldingMatchesAHandComputedCase() {
        Conv2d conv = new Conv2d(1, 2, 1, 1, 0, 1, 1, true, 1L);
        BatchNorm2d bn = new BatchNorm2d(2, 0.25f, 0.1f, true);
        try (Module model = new Sequential(conv, bn, new ReLU()); Scope scope = Scope.open();
             var noGrad = Autograd.noGrad()) {
            conv.weight().copyFrom(Tensor.of(new float[] {2, -1}, 2, 1, 1, 1));
            conv.bias().copyFrom(Tensor.of(1f, 0.5f));
            bn.runningMean().copyFrom(Tensor.of(3f, -1f));
            bn.runningVar().copyFrom(Tensor.of(0.75f, 3.75f));
            bn.weight().copyFrom(Tensor.of(0.5f, 4f));
            bn.bias().copyFrom(Tensor.of(1f, -2f));
            model.eval();
            try (Module fast = Inference.optimize(model)) {
                FusedConv2d fused = assertInstanceOf(FusedConv2d.class, ((Sequential) fast).get(0));
                assertEquals(1, ((Sequential) fast).size(), "conv, bn and relu became one module: " + fast);
                assertArrayEquals(new float[] {1, -2}, fused.weight().toFloatArray());
                assertArrayEquals(new float[] {0, 1}, fused.bias().toFloatArray());
                assertTrue(fused.relu());
                // x = 3: conv 7 and -2.5, bn (7 - 3) * 0.5 + 1 = 3 and (-2.5 + 1) * 2 - 2 = -5, relu 3 and 0.
                Tensor x = Tensor.of(new float[] {3}, 1, 1, 1, 1);
                assertArrayEquals(new float[] {3, 0}, fast.forward(x).toFloatArray());
                assertArrayEquals(new float[] {3, 0}, model.forward(x).toFloatArray());
            }
        }
    }

    @Test
    void lenetMlpAndCnnGiveTheOriginalsOutputs() {
        // cnn: convolutions with bias before batch norm, dropout (dropped: the identity in eval mode).
        for (String name : List.of("lenet", "mlp", "cnn")) {
            assertSameOutputs(name, () -> Models.create(name, 42), new long[] {3, 1, 28, 28});
        }
    }

    @Test
    void resnet18GivesTheOriginalsOutputs() {
        assertSameOutputs("resnet18", () -> Models.resnet18(3, 10, 42), new long[] {2, 3, 16, 16});
    }

    @Test
    void unetGivesTheOriginalsOutputs() {
        assertSameOutputs("unet", () -> Models.unet(3, 2, 42), new long[] {1, 3, 16, 16});
    }

    /** The model's eval outputs and its optimised form's, on the reference and on oneDNN, which runs the fused ops. */
    private static void assertSameOutputs(String name, Supplier<Module> factory, long[] input) {
        OneDnnBackend onednn = Parity.onednn("conv2d_fused");
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, onednn)) {
            Backends.with(backend, () -> {
                try (Module model = factory.get(); Scope scope = Scope.open(); var noGrad = Autograd.noGrad()) {
                    randomizeBatchNorms(model, 7);
                    model.eval();
                    Map<String, float[]> before = values(model.stateDict());
                    Tensor x = Tensor.randn(5, input);
                    float[] expected = model.forward(x).toFloatArray();
                    long fusedBefore = onednn.nativeExecutions("conv2d_fused") + onednn.nativeExecutions("linear_fused");
                    float[] actual;
                    try (Module fast = Inference.optimize(model)) {
                        actual = fast.forward(x).toFloatArray();
                    }
                    String context = name + " on " + backend.name() + ", input " + java.util.Arrays.toString(input);
                    Parity.assertClose(expected, actual, RTOL, ATOL, context);
                    if (backend == onednn) {
                        assertTrue(onednn.nativeExecutions("conv2d_fused") + onednn.nativeExecutions("linear_fused")
                                > fusedBefore, context + ": no fused primitive ran");
                    }
                    Map<String, float[]> after = values(model.stateDict());
                    for (String key : before.keySet()) {
                        assertArrayEquals(before.get(key), after.get(key), context + ": the original's " + key + " changed");
                    }
                    assertArrayEquals(expected, model.forward(x).toFloatArray(), context
                            + ": the original computes something else after the optimised module was closed");
                }
            });
        }
    }

    /** Running statistics, scale and shift far from the identity, so folding has something to fold. */
    private static void randomizeBatchNorms(Module model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (BatchNorm2d bn : model.modules(BatchNorm2d.class)) {
            long c = bn.numFeatures();
            bn.runningMean().copyFrom(Tensor.randn(random.nextLong(), c).mul(0.5f));
            bn.runningVar().copyFrom(Tensor.rand(random.nextLong(), c).add(0.5f));
            bn.weight().copyFrom(Tensor.randn(random.nextLong(), c).mul(0.2f).add(1f));
            bn.bias().copyFrom(Tensor.randn(random.nextLong(), c).mul(0.2f));
        }
    }

    private static Map<String, float[]> values(Map<String, Tensor> state) {
        Map<String, float[]> values = new LinkedHashMap<>();
        state.forEach((k, v) -> values.put(k, v.toFloatArray()));
        return values;
    }

    @Test
    void theFusedConvolutionComposedFromConvAddAndReluGivesTheSameNumbers() {
        // With conv2d_fused switched off, oneDNN has no kernel of its own for it: F composes conv2d, add and relu.
        try (OneDnnBackend killed = OneDnnBackend.create(java.util.Set.of("conv2d_fused"));
             Scope scope = Scope.open(); var noGrad = Autograd.noGrad()) {
            Tensor x = Tensor.randn(1, 2, 4, 6, 6), w = Tensor.randn(2, 5, 4, 3, 3), b = Tensor.randn(3, 5);
            Tensor residual = Tensor.randn(4, 2, 5, 6, 6);
            float[] expected = Backends.with(ReferenceBackend.INSTANCE, () -> F.conv2dFused(x, w, b, residual,
                    Conv2dParams.of(1, 1), PostOps.SUM_RELU).toFloatArray());
            long fused = killed.nativeExecutions("conv2d_fused");
            float[] composed = Backends.with(killed, () -> F.conv2dFused(x, w, b, residual, Conv2dParams.of(1, 1),
                    PostOps.SUM_RELU).toFloatArray());
            assertEquals(fused, killed.nativeExecutions("conv2d_fused"), "conv2d_fused ran although switched off");
            assertTrue(killed.nativeExecutions("conv2d") > 0, "the composition's conv2d ran on oneDNN");
            Parity.assertClose(expected, composed, 1e-5, 1e-5, "conv2d_fused composed on oneDNN vs the reference");
        }
    }

    /** Under a bf16 autocast the optimised ResNet-18 runs its fused convolutions in bf16, as the original's. */
    @Test
    void resnet18UnderABf16AutocastGivesTheOriginalsOutputs() {
        OneDnnBackend onednn = Parity.onednn("conv2d_fused");
        Backends.with(onednn, () -> {
            try (Module model = Models.resnet18(3, 10, 42); Scope scope = Scope.open(); var noGrad = Autograd.noGrad()) {
                randomizeBatchNorms(model, 7);
                model.eval();
                Tensor x = Tensor.randn(5, 2, 3, 16, 16);
                try (Module fast = Inference.optimize(model); var bf16 = org.jdnn.autograd.Autocast.bf16()) {
                    float[] expected = model.forward(x).toFloatArray();
                    float[] actual = fast.forward(x).toFloatArray();
                    // bf16 keeps 8 bits of mantissa: folding rounds the weights differently from batch norm after.
                    Parity.assertClose(expected, actual, 5e-2, 5e-2, "resnet18 under bf16 autocast on onednn");
                }
            }
        });
    }

    @Test
    void refusesAModelInTrainingMode() {
        try (Module model = Models.create("lenet", 42)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Inference.optimize(model));
            assertEquals("Inference.optimize: the model (Sequential) is in training mode; call eval() on the model "
                    + "first (batch norm is folded with its running statistics)", e.getMessage());
            model.eval();
            model.namedChildren().get("0").train();
            e = assertThrows(IllegalStateException.class, () -> Inference.optimize(model));
            assertTrue(e.getMessage().startsWith("Inference.optimize: module '0' (Conv2d) is in training mode"),
                    e.getMessage());
        }
    }

    @Test
    void refusesAModuleWithParametersItHasNoRuleFor() {
        try (Module model = new Sequential(new Linear(4, 4), new BatchNorm2d(4)).eval()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inference.optimize(model));
            assertTrue(e.getMessage().startsWith("Inference.optimize: no rule for module '1' (BatchNorm2d)"),
                    e.getMessage());
        }
    }

    @Test
    void theFusedOpsRefuseInputsThatRequireGradWithGradModeOn() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 2, 5, 5).requiresGrad(true), w = Tensor.randn(2, 3, 2, 3, 3);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> F.conv2dFused(x, w, null, null, Conv2dParams.DEFAULT, PostOps.RELU));
            assertEquals("conv2d_fused: input requires grad, but conv2d_fused is for inference only (no backward); "
                    + "call it under Autograd.noGrad() or on detached tensors", e.getMessage());
            Tensor weight = Tensor.randn(3, 4, 5).requiresGrad(true);
            e = assertThrows(IllegalStateException.class, () -> F.linearRelu(Tensor.randn(4, 2, 5), weight, null));
            assertTrue(e.getMessage().startsWith("linear_fused: weight requires grad"), e.getMessage());
            try (var noGrad = Autograd.noGrad()) {
                assertArrayEquals(new long[] {1, 3, 3, 3}, F.conv2dFused(x, w, null, null, Conv2dParams.DEFAULT,
                        PostOps.RELU).shape().dims(), "under noGrad the same call runs");
            }
        }
    }
}
