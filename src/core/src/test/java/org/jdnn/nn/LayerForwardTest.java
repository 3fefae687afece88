package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.jdnn.testing.Parity.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every module's forward: the output shape, and the values against the same computation written directly with
 * {@link F} on the module's own parameters (bound 1e-6 relative + 1e-6 absolute: the same kernels run, so only
 * a different composition could differ), plus closed-form values where they are cheap to state.
 */
class LayerForwardTest {
    private static final double RTOL = 1e-6;
    private static final double ATOL = 1e-6;

    private static void assertOutput(Tensor expected, Tensor actual, String context) {
        assertEquals(expected.shape(), actual.shape(), context + ": output shape");
        assertClose(expected.toFloatArray(), actual.toFloatArray(), RTOL, ATOL, context);
    }

    @Test
    void linearMatchesFLinearAndAClosedForm() {
        try (Scope scope = Scope.open(); Linear linear = new Linear(4, 3, true, 11)) {
            Tensor x = Tensor.randn(1, 5, 4);
            Tensor y = linear.forward(x);
            assertOutput(F.linear(x, linear.weight(), linear.bias()), y, "Linear(4, 3) seed 11 on x [5, 4]");
            // Batched (*, in) input: the same rows, reshaped.
            Tensor y3 = linear.forward(x.reshape(5, 1, 4));
            assertEquals(Shape.of(5, 1, 3), y3.shape(), "Linear on [5, 1, 4]");
            assertClose(y.toFloatArray(), y3.toFloatArray(), RTOL, ATOL, "Linear on [5, 1, 4] vs [5, 4]");
            // Closed form: row 0 of y = W x0 + b, accumulated in double.
            float[] w = linear.weight().toFloatArray(), b = linear.bias().toFloatArray(), xs = x.toFloatArray();
            for (int o = 0; o < 3; o++) {
                double sum = b[o];
                for (int i = 0; i < 4; i++) {
                    sum += (double) w[o * 4 + i] * xs[i];
                }
                assertEquals(sum, y.get(0, o), 1e-5, "Linear closed form, output " + o);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> linear.forward(Tensor.zeros(2, 5)));
            assertTrue(e.getMessage().contains("in_features 4") && e.getMessage().contains("[2, 5]"), e.getMessage());
        }
        try (Scope scope = Scope.open(); Linear noBias = new Linear(4, 2, false, 12)) {
            Tensor x = Tensor.randn(2, 3, 4);
            assertOutput(F.linear(x, noBias.weight(), null), noBias.forward(x), "Linear(4, 2, bias=false) seed 12");
            assertEquals(null, noBias.bias());
        }
    }

    @Test
    void convolutionsMatchF() {
        try (Scope scope = Scope.open();
             Conv2d conv = new Conv2d(4, 6, 3, 2, 1, 1, 2, true, 13);
             Conv2d rect = new Conv2d(2, 3, 2, 3, new Conv2dParams(1, 2, 1, 0, 0, 2, 2, 1, 1), false, new java.util.SplittableRandom(14));
             ConvTranspose2d deconv = new ConvTranspose2d(4, 2, 3, 2, 1, 1, 2, true, 1, 15)) {
            Tensor x = Tensor.randn(3, 2, 4, 7, 7);
            Tensor y = conv.forward(x);
            assertEquals(Shape.of(2, 6, 4, 4), y.shape(), "Conv2d(4, 6, k3, s2, p1, g2) on [2, 4, 7, 7]");
            assertOutput(F.conv2d(x, conv.weight(), conv.bias(), Conv2dParams.of(2, 1, 1, 2)), y, "Conv2d seed 13");
            assertEquals(Shape.of(6, 2, 3, 3), conv.weight().shape(), "grouped weight shape");

            Tensor x2 = Tensor.randn(4, 1, 2, 6, 5);
            assertOutput(F.conv2d(x2, rect.weight(), null, rect.params()), rect.forward(x2), "Conv2d(2, 3, (2, 3)) params record");

            Tensor y3 = deconv.forward(x);
            assertEquals(Shape.of(2, 2, 14, 14), y3.shape(), "ConvTranspose2d(4, 2, k3, s2, p1, op1, g2) on [2, 4, 7, 7]");
            assertEquals(Shape.of(4, 1, 3, 3), deconv.weight().shape(), "transposed weight (in, out/groups, k, k)");
            assertOutput(F.convTranspose2d(x, deconv.weight(), deconv.bias(), ConvTranspose2dParams.of(2, 1, 1, 1, 2)), y3,
                    "ConvTranspose2d seed 15");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true, 1));
        assertTrue(e.getMessage().contains("in_channels 3 not divisible by groups 2"), e.getMessage());
    }

    @Test
    void poolingMatchesF() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(5, 2, 3, 6, 6);
            MaxPool2d max = new MaxPool2d(2);
            assertOutput(F.maxPool2d(x, 2, 2, 0), max.forward(x), "MaxPool2d(2) on [2, 3, 6, 6]");
            assertEquals(Shape.of(2, 3, 3, 3), max.forward(x).shape());
            AvgPool2d avg = new AvgPool2d(3, 2, 1);
            assertOutput(F.avgPool2d(x, 3, 2, 1), avg.forward(x), "AvgPool2d(3, 2, 1) on [2, 3, 6, 6]");
            AvgPool2d exclude = new AvgPool2d(3, 2, 1, false);
            assertOutput(F.pool2d(x, Pool2dParams.avg(3, 2, 1, false)), exclude.forward(x), "AvgPool2d count_include_pad=False");
            // Closed form: the first 2x2 max window.
            float expected = Math.max(Math.max(x.get(0, 0, 0, 0), x.get(0, 0, 0, 1)), Math.max(x.get(0, 0, 1, 0), x.get(0, 0, 1, 1)));
            assertEquals(expected, max.forward(x).get(0, 0, 0, 0), "MaxPool2d first window");
            assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(Pool2dParams.max(2, 2, 0)));
        }
    }

    @Test
    void batchNormMatchesFAndTheTextbookFormula() {
        try (Scope scope = Scope.open(); BatchNorm2d bn = new BatchNorm2d(3); BatchNorm1d bn1 = new BatchNorm1d(4, 1e-3f, 0.2f, false)) {
            Tensor x = Tensor.randn(6, 4, 3, 2, 2);
            try (Tensor rm = Tensor.zeros(3); Tensor rv = Tensor.ones(3)) {
                Tensor expected = F.batchNorm(x, rm, rv, bn.weight(), bn.bias(), true, BatchNormParams.DEFAULT);
                assertOutput(expected, bn.forward(x), "BatchNorm2d(3) training on [4, 3, 2, 2]");
            }
            // Textbook: channel 0 has zero mean and (biased) unit variance after normalisation with weight 1, bias 0.
            Tensor y = bn.forward(x);
            double sum = 0, sq = 0;
            for (int n = 0; n < 4; n++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 2; w++) {
                        sum += y.get(n, 0, h, w);
                        sq += (double) y.get(n, 0, h, w) * y.get(n, 0, h, w);
                    }
                }
            }
            assertEquals(0, sum / 16, 1e-5, "BatchNorm2d channel 0 mean");
            assertEquals(1, sq / 16, 1e-3, "BatchNorm2d channel 0 variance (eps 1e-5 shrinks it slightly)");

            Tensor x2 = Tensor.randn(7, 5, 4);
            BatchNormParams p = new BatchNormParams(1e-3f, 0.2f);
            assertOutput(F.batchNorm(x2, null, null, null, null, true, p), bn1.forward(x2), "BatchNorm1d(4, affine=false) on [5, 4]");
            Tensor x3 = Tensor.randn(8, 5, 4, 3);
            Tensor expected3 = F.batchNorm(x3.reshape(5, 4, 3, 1), null, null, null, null, true, p);
            assertOutput(expected3.reshape(5, 4, 3), bn1.forward(x3), "BatchNorm1d on (N, C, L) [5, 4, 3]");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 4, 2, 2)));
            assertTrue(e.getMessage().contains("num_features 3"), e.getMessage());
        }
    }

    @Test
    void activationsMatchF() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(9, 3, 5);
            assertOutput(F.relu(x), new ReLU().forward(x), "ReLU");
            assertOutput(F.leakyRelu(x, 0.01f), new LeakyReLU().forward(x), "LeakyReLU()");
            assertOutput(F.leakyRelu(x, 0.2f), new LeakyReLU(0.2f).forward(x), "LeakyReLU(0.2)");
            assertOutput(F.elu(x, 1f), new ELU().forward(x), "ELU()");
            assertOutput(F.elu(x, 0.5f), new ELU(0.5f).forward(x), "ELU(0.5)");
            assertOutput(F.sigmoid(x), new Sigmoid().forward(x), "Sigmoid");
            assertOutput(F.tanh(x), new Tanh().forward(x), "Tanh");
            assertOutput(F.softplus(x, 1f), new Softplus().forward(x), "Softplus()");
            assertOutput(F.softplus(x, 2f), new Softplus(2f).forward(x), "Softplus(2)");
            assertOutput(F.gelu(x), new GELU().forward(x), "GELU()");
            assertOutput(F.geluTanh(x), new GELU("tanh").forward(x), "GELU('tanh')");
            // Closed forms on one element.
            float v = x.get(0, 0);
            assertEquals(Math.max(v, 0), new ReLU().forward(x).get(0, 0), 0, "relu(" + v + ")");
            assertEquals(1 / (1 + Math.exp(-v)), new Sigmoid().forward(x).get(0, 0), 1e-6, "sigmoid(" + v + ")");
            assertEquals(Math.tanh(v), new Tanh().forward(x).get(0, 0), 1e-6, "tanh(" + v + ")");
        }
    }

    @Test
    void dropoutFlattenAndMaxout() {
        try (Scope scope = Scope.open(); Maxout maxout = new Maxout(4, 3, 2, 16)) {
            Tensor x = Tensor.randn(10, 2, 3, 4);
            Tensor flat = new Flatten().forward(x);
            assertEquals(Shape.of(2, 12), flat.shape(), "Flatten() on [2, 3, 4]");
            assertClose(x.toFloatArray(), flat.toFloatArray(), 0, 0, "Flatten keeps the elements");
            assertEquals(Shape.of(24), new Flatten(0).forward(x).shape(), "Flatten(0)");

            Tensor in = Tensor.randn(17, 5, 4);
            Tensor y = maxout.forward(in);
            assertEquals(Shape.of(5, 3), y.shape(), "Maxout(4, 3, 2) on [5, 4]");
            Tensor z = F.linear(in, maxout.linear().weight(), maxout.linear().bias());
            assertOutput(F.max(z.reshape(5, 3, 2), false, 2), y, "Maxout vs F.max over the reshaped axis");
            for (int n = 0; n < 5; n++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(Math.max(z.get(n, 2 * j), z.get(n, 2 * j + 1)), y.get(n, j), "Maxout row " + n + " unit " + j);
                }
            }

            Dropout dropout = new Dropout(0.25f, 18);
            Tensor ones = Tensor.ones(40, 50);
            Tensor d = dropout.forward(ones);
            assertOutput(F.dropout(ones, 0.25f, true, Dropout.maskSeed(18, 0)), d, "Dropout(0.25) seed 18, first call");
            int kept = 0;
            for (float value : d.toFloatArray()) {
                assertTrue(value == 0f || Math.abs(value - 1 / 0.75f) < 1e-6, "dropout values are 0 or 1/(1-p): " + value);
                kept += value == 0f ? 0 : 1;
            }
            assertEquals(0.75, kept / 2000.0, 0.05, "Dropout(0.25) keeps about 75% (seed 18)");
        }
    }

    @Test
    void basicBlockAndConcatMatchTheirComposition() {
        try (Scope scope = Scope.open();
             BasicBlock same = new BasicBlock(3, 3, 1, 19);
             BasicBlock down = new BasicBlock(3, 5, 2, 20)) {
            Tensor x = Tensor.randn(21, 2, 3, 6, 6);
            assertEquals(null, same.downsample(), "BasicBlock(3, 3, 1) has an identity shortcut");
            assertOutput(block(same, x, x), same.forward(x), "BasicBlock(3, 3, 1) on [2, 3, 6, 6]");

            Tensor y = down.forward(x);
            assertEquals(Shape.of(2, 5, 3, 3), y.shape(), "BasicBlock(3, 5, 2) on [2, 3, 6, 6]");
            Conv2d projection = (Conv2d) down.downsample().get(0);
            BatchNorm2d projectionBn = (BatchNorm2d) down.downsample().get(1);
            Tensor shortcut = bn(projectionBn, F.conv2d(x, projection.weight(), null, Conv2dParams.of(2, 0)));
            assertOutput(block(down, x, shortcut), y, "BasicBlock(3, 5, 2) with downsample");
            for (float v : y.toFloatArray()) {
                assertTrue(v >= 0, "the block ends with relu");
            }
        }
        try (Scope scope = Scope.open();
             Concat inception = new Concat(new Conv2d(3, 2, 1, 1, 0, 1, 1, true, 22),
                     new Sequential(new Conv2d(3, 4, 3, 1, 1, 1, 1, true, 23), new ReLU()),
                     new MaxPool2d(3, 1, 1))) {
            Tensor x = Tensor.randn(24, 2, 3, 5, 5);
            Tensor y = inception.forward(x);
            assertEquals(Shape.of(2, 9, 5, 5), y.shape(), "Concat of 2 + 4 + 3 channels");
            Tensor expected = F.concat(1, inception.branches().get(0).forward(x), inception.branches().get(1).forward(x),
                    F.maxPool2d(x, 3, 1, 1));
            assertOutput(expected, y, "Concat branches along channels");
        }
    }

    /** relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut) written out with F. */
    private static Tensor block(BasicBlock b, Tensor x, Tensor shortcut) {
        var c = b.namedChildren();
        Conv2d conv1 = (Conv2d) c.get("conv1"), conv2 = (Conv2d) c.get("conv2");
        BatchNorm2d bn1 = (BatchNorm2d) c.get("bn1"), bn2 = (BatchNorm2d) c.get("bn2");
        Tensor h = F.relu(bn(bn1, F.conv2d(x, conv1.weight(), null, conv1.params())));
        return F.relu(F.add(bn(bn2, F.conv2d(h, conv2.weight(), null, Conv2dParams.of(1, 1))), shortcut));
    }

    /** Training-mode batch norm with the module's affine parameters and no running statistics. */
    private static Tensor bn(BatchNorm2d bn, Tensor x) {
        return F.batchNorm(x, null, null, bn.weight(), bn.bias(), true, bn.params());
    }
}
