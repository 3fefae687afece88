package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.natives.HostMemory;
import org.jdnn.nn.init.Init;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module contract: names, state dicts, modes, gradients, lifetime, printing and reproducible construction. */
class ModuleTest {

    private static Sequential smallResNet(long seed) {
        return new Sequential(new Conv2d(3, 4, 3, 1, 1, 1, 1, false, seed), new BasicBlock(4, 6, 2, seed + 1),
                new Flatten(), new Linear(6 * 2 * 2, 3, true, seed + 2));
    }

    @Test
    void namesAreHierarchicalAndInRegistrationOrder() {
        try (Sequential model = smallResNet(1)) {
            assertEquals(List.of("0.weight", "1.conv1.weight", "1.bn1.weight", "1.bn1.bias", "1.conv2.weight", "1.bn2.weight",
                    "1.bn2.bias", "1.downsample.0.weight", "1.downsample.1.weight", "1.downsample.1.bias", "3.weight", "3.bias"),
                    List.copyOf(model.namedParameters().keySet()));
            assertEquals(List.of("1.bn1.running_mean", "1.bn1.running_var", "1.bn2.running_mean", "1.bn2.running_var",
                    "1.downsample.1.running_mean", "1.downsample.1.running_var"), List.copyOf(model.namedBuffers().keySet()));
            // PyTorch's state_dict order: per module its parameters, then its buffers, then the children's.
            List<String> keys = List.copyOf(model.stateDict().keySet());
            assertEquals(List.of("0.weight", "1.conv1.weight", "1.bn1.weight", "1.bn1.bias", "1.bn1.running_mean",
                    "1.bn1.running_var", "1.conv2.weight"), keys.subList(0, 7));
            assertEquals(18, keys.size());
            assertEquals(model.namedParameters().size(), model.parameters().size());
            for (Tensor p : model.parameters()) {
                assertTrue(p.requiresGrad() && p.isLeaf(), "parameters are leaves that require grad: " + p.shape());
            }
            for (Tensor b : model.namedBuffers().values()) {
                assertFalse(b.requiresGrad(), "buffers are not trained");
            }
            long expected = 4 * 3 * 9 + (6 * 4 * 9 + 6 + 6 + 6 * 6 * 9 + 6 + 6 + 6 * 4 + 6 + 6) + 24 * 3 + 3;
            assertEquals(expected, model.numParameters());
        }
    }

    @Test
    void sharedModulesAppearOnceAndNamesMustBeValid() {
        try (Linear shared = new Linear(3, 3, true, 2); Sequential twice = new Sequential(shared, new ReLU(), shared)) {
            assertEquals(List.of("0.weight", "0.bias"), List.copyOf(twice.namedParameters().keySet()));
            Sequential named = new Sequential(new LinkedHashMap<>(Map.of("fc", new Linear(2, 2, false, 3))));
            assertEquals(List.of("fc.weight"), List.copyOf(named.namedParameters().keySet()));
            named.close();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Sequential(new LinkedHashMap<>(Map.of("a.b", new ReLU()))));
            assertTrue(e.getMessage().contains("'a.b'"), e.getMessage());
        }
    }

    @Test
    void loadStateDictReportsEveryProblemAndChangesNothing() {
        try (Linear a = new Linear(4, 3, true, 1); Sequential model = new Sequential(a, new ReLU());
             Scope scope = Scope.open()) {
            float[] before = a.weight().toFloatArray();
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("0.weight", Tensor.zeros(3, 4));
            state.put("0.extra", Tensor.zeros(1));
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
            assertTrue(missing.getMessage().contains("missing keys [0.bias]"), missing.getMessage());
            assertTrue(missing.getMessage().contains("unexpected keys [0.extra]"), missing.getMessage());
            assertArrayEquals(before, a.weight().toFloatArray(), "nothing is copied when loading fails");

            state.put("0.bias", Tensor.zeros(4));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state, false));
            assertTrue(shape.getMessage().contains("0.bias: checkpoint shape [4] != module shape [3]"), shape.getMessage());

            state.put("0.bias", Tensor.full(0.5f, 3));
            Module.LoadResult result = model.loadStateDict(state, false);
            assertEquals(List.of("0.extra"), result.unexpectedKeys());
            assertEquals(List.of(), result.missingKeys());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, a.bias().toFloatArray());
            assertArrayEquals(new float[12], a.weight().toFloatArray());
        }
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        try (Sequential model = smallResNet(3)) {
            assertTrue(model.isTraining());
            model.eval();
            BasicBlock block = (BasicBlock) model.get(1);
            assertFalse(block.isTraining());
            assertFalse(block.downsample().get(1).isTraining(), "grandchildren follow");
            model.train();
            assertTrue(block.downsample().get(1).isTraining());
            Sequential parent = new Sequential();
            parent.eval();
            parent.add(new Dropout(0.5f, 1));
            assertFalse(parent.get(0).isTraining(), "a child added later joins its parent's mode");
        }
    }

    @Test
    void dropoutIsIdentityInEvalAndDrawsAFreshReproducibleMaskPerCall() {
        try (Scope scope = Scope.open()) {
            Dropout dropout = new Dropout(0.5f, 7);
            Tensor x = Tensor.randn(8, 6, 10);
            float[] first = dropout.forward(x).toFloatArray();
            float[] second = dropout.forward(x).toFloatArray();
            assertFalse(java.util.Arrays.equals(first, second), "each training call draws a new mask");
            Dropout replay = new Dropout(0.5f, 7);
            assertArrayEquals(first, replay.forward(x).toFloatArray(), "same seed, same first mask");
            assertArrayEquals(second, replay.forward(x).toFloatArray(), "same seed, same second mask");
            assertEquals(2, replay.calls());
            replay.eval();
            assertArrayEquals(x.toFloatArray(), replay.forward(x).toFloatArray(), "identity in eval");
            assertEquals(2, replay.calls(), "eval draws no mask");
            assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, 1));
        }
    }

    @Test
    void batchNormUpdatesRunningStatisticsInTrainAndUsesThemInEval() {
        try (BatchNorm2d bn = new BatchNorm2d(2, 1e-5f, 0.1f, true); Scope scope = Scope.open()) {
            Tensor x = F.add(F.mul(Tensor.randn(9, 8, 2, 3, 3), 2f), 3f).detach(); // mean ~3, variance ~4
            bn.forward(x);
            // running = 0.9 * initial + 0.1 * batch statistic (unbiased variance), per channel, in double.
            float[] values = x.toFloatArray();
            for (int c = 0; c < 2; c++) {
                double sum = 0, sq = 0;
                int count = 0;
                for (int n = 0; n < 8; n++) {
                    for (int i = 0; i < 9; i++) {
                        double v = values[(n * 2 + c) * 9 + i];
                        sum += v;
                        sq += v * v;
                        count++;
                    }
                }
                double mean = sum / count;
                double unbiased = (sq - count * mean * mean) / (count - 1);
                assertEquals(0.1 * mean, bn.runningMean().get(c), 1e-4, "running mean channel " + c);
                assertEquals(0.9 + 0.1 * unbiased, bn.runningVar().get(c), 1e-3, "running var channel " + c);
            }
            bn.eval();
            float[] rm = bn.runningMean().toFloatArray(), rv = bn.runningVar().toFloatArray();
            Tensor y = bn.forward(x);
            assertArrayEquals(rm, bn.runningMean().toFloatArray(), "eval leaves the running statistics alone");
            double expected = (x.get(0, 1, 0, 0) - rm[1]) / Math.sqrt(rv[1] + 1e-5);
            assertEquals(expected, y.get(0, 1, 0, 0), 1e-5, "eval normalises with the running statistics");
        }
    }

    @Test
    void zeroGradClearsEveryParameterGradient() {
        try (Sequential model = new Sequential(new Linear(3, 4, true, 4), new Tanh(), new Linear(4, 1, true, 5))) {
            try (Scope step = Scope.open()) {
                F.sum(model.forward(Tensor.randn(10, 2, 3))).backward();
            }
            for (Tensor p : model.parameters()) {
                assertTrue(p.grad() != null && anyNonZero(p.grad().toFloatArray()), "gradient reached " + p.shape());
            }
            model.zeroGrad();
            for (Tensor p : model.parameters()) {
                assertArrayEquals(new float[(int) p.numel()], p.grad().toFloatArray(), "zeroed " + p.shape());
            }
        }
    }

    private static boolean anyNonZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void parametersSurviveATrainingStepScopeAndCloseFreesThem() {
        Runnable lifecycle = () -> {
            try (Sequential model = smallResNet(30)) {
                for (int step = 0; step < 2; step++) {
                    try (Scope scope = Scope.open()) {
                        model.zeroGrad();
                        F.mean(F.square(model.forward(Tensor.randn(step, 2, 3, 4, 4)))).backward();
                    }
                }
                assertFalse(model.parameters().get(0).isClosed(), "the step's scope does not close parameters");
                assertTrue(model.parameters().get(0).grad() != null);
            }
        };
        lifecycle.run(); // warm the allocator's size classes and oneDNN's primitive cache
        long live = HostMemory.stats().liveBytes();
        lifecycle.run();
        // <=, not ==: the cleaner may meanwhile free tensors other tests forgot to close.
        assertTrue(HostMemory.stats().liveBytes() <= live, "building, training and closing a model leaked native memory");

        Sequential model = smallResNet(31);
        List<Tensor> tensors = List.copyOf(model.stateDict().values());
        model.close();
        model.close(); // idempotent
        assertTrue(model.isClosed());
        for (Tensor t : tensors) {
            assertTrue(t.isClosed(), "close frees every parameter and buffer: " + t.shape());
        }
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 3, 4, 4);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.forward(x));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void toStringPrintsTheTreeLikePyTorch() {
        try (Sequential model = new Sequential(new Conv2d(3, 8, 3, 1, 1, 1, 1, false, 1), new BatchNorm2d(8), new ReLU(),
                new MaxPool2d(2), new BasicBlock(8, 16, 2, 2), new Flatten(), new Dropout(0.5f, 3),
                new Linear(64, 10, true, 4), new Maxout(10, 5, 2, 5))) {
            String expected = """
                    Sequential(
                      (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)
                      (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                      (2): ReLU()
                      (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
                      (4): BasicBlock(
                        (conv1): Conv2d(8, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)
                        (bn1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                        (relu): ReLU()
                        (conv2): Conv2d(16, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)
                        (bn2): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                        (downsample): Sequential(
                          (0): Conv2d(8, 16, kernel_size=(1, 1), stride=(2, 2), bias=False)
                          (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                        )
                      )
                      (5): Flatten(start_dim=1, end_dim=-1)
                      (6): Dropout(p=0.5, inplace=False)
                      (7): Linear(in_features=64, out_features=10, bias=True)
                      (8): Maxout(
                        in_features=10, out_features=5, pieces=2
                        (linear): Linear(in_features=10, out_features=10, bias=True)
                      )
                    )""";
            assertEquals(expected, model.toString());
        }
        assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("AvgPool2d(kernel_size=3, stride=2, padding=1, count_include_pad=False)",
                new AvgPool2d(3, 2, 1, false).toString());
        try (ConvTranspose2d up = new ConvTranspose2d(4, 2, 3, 2, 1, 1, 1, true, 1, 6)) {
            assertEquals("ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
                    up.toString());
        }
    }

    @Test
    void constructionIsReproducible() {
        try (Linear a = new Linear(5, 4, true, 42); Linear b = new Linear(5, 4, true, 42); Linear c = new Linear(5, 4, true, 43)) {
            assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray(), "same seed, same weights");
            assertArrayEquals(a.bias().toFloatArray(), b.bias().toFloatArray(), "same seed, same bias");
            assertFalse(java.util.Arrays.equals(a.weight().toFloatArray(), c.weight().toFloatArray()), "seed 43 differs");
        }
        Init.manualSeed(7);
        float[] first;
        try (Sequential m = new Sequential(new Linear(3, 3), new Linear(3, 3))) {
            first = m.parameters().get(0).toFloatArray();
            assertFalse(java.util.Arrays.equals(first, m.parameters().get(2).toFloatArray()),
                    "two default-seeded layers of the same shape get different weights");
        }
        Init.manualSeed(7);
        try (Linear again = new Linear(3, 3)) {
            assertArrayEquals(first, again.weight().toFloatArray(), "manualSeed replays the default stream");
        }
    }

    @Test
    void defaultInitialisationFollowsPyTorch() {
        try (Linear linear = new Linear(400, 300, true, 8); Conv2d conv = new Conv2d(16, 32, 3, 1, 0, 1, 4, true, 9);
             BatchNorm2d bn = new BatchNorm2d(5)) {
            // kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fanIn), 1/sqrt(fanIn)): bound and variance bound^2 / 3.
            assertUniform(linear.weight().toFloatArray(), 1 / Math.sqrt(400), "Linear(400, 300) weight");
            assertUniform(linear.bias().toFloatArray(), 1 / Math.sqrt(400), "Linear(400, 300) bias");
            double fanIn = 16 / 4 * 9;
            assertUniform(conv.weight().toFloatArray(), 1 / Math.sqrt(fanIn), "Conv2d(16, 32, 3, groups 4) weight");
            assertEquals(Shape.of(32, 4, 3, 3), conv.weight().shape());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1}, bn.weight().toFloatArray(), "BatchNorm weight 1");
            assertArrayEquals(new float[5], bn.bias().toFloatArray(), "BatchNorm bias 0");
            assertArrayEquals(new float[5], bn.runningMean().toFloatArray(), "running mean 0");
            assertArrayEquals(new float[] {1, 1, 1, 1, 1}, bn.runningVar().toFloatArray(), "running var 1");
        }
    }

    private static void assertUniform(float[] values, double bound, String context) {
        double sq = 0;
        float max = 0;
        for (float v : values) {
            assertTrue(Math.abs(v) <= bound, context + ": " + v + " outside +-" + bound);
            sq += (double) v * v;
            max = Math.max(max, Math.abs(v));
        }
        if (values.length >= 1000) {
            assertEquals(bound * bound / 3, sq / values.length, 0.05 * bound * bound / 3, context + ": variance");
            assertTrue(max > 0.95 * bound, context + ": values fill the range, max " + max);
        }
    }
}
