package org.jdnn.benchmarks.compare;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.jdnn.autograd.Autograd;
import org.jdnn.nn.ConvTranspose2d;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The two sides' models are the same network: the same trainable tensors and the same output for a workload. */
class SameModelsTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    /**
     * The sizes of every trainable tensor, sorted, agree (DJL's running statistics of batch norm left out; jdnn
     * keeps them as buffers). A layer of a different width or kernel, or a missing layer, changes the list.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet", "resnet18", "unet"})
    void bothSidesHaveTheSameTrainableTensorSizes(String name) {
        Workload w = Workload.named(name, 0);
        long[] jdnn;
        try (Module net = JdnnModels.create(w)) {
            jdnn = net.parameters().stream().mapToLong(Tensor::numel).sorted().toArray();
        }
        long[] torch;
        try (Model model = Model.newInstance(name, Device.cpu(), "PyTorch")) {
            Block block = TorchModels.create(w);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2, w.channels(), w.size(), w.size()));
            torch = block.getParameters().values().stream().filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().size()).sorted().toArray();
        }
        assertArrayEquals(jdnn, torch, name + ": jdnn " + Arrays.toString(jdnn) + " vs PyTorch " + Arrays.toString(torch));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "unet"})
    void bothSidesGiveTheSameOutputShape(String name) {
        Workload w = Workload.named(name, 0);
        Shape input = new Shape(2, w.channels(), w.size(), w.size());
        long[] jdnn;
        try (Module net = JdnnModels.create(w); Tensor x = Tensor.randn(1, input.getShape());
             Autograd.NoGrad noGrad = Autograd.noGrad()) {
            net.eval();
            jdnn = net.forward(x).shape().dims();
        }
        Shape torch = TorchModels.create(w).getOutputShapes(new Shape[] {input})[0];
        assertArrayEquals(jdnn, torch.getShape(), name + ": jdnn " + Arrays.toString(jdnn) + " vs PyTorch " + torch);
    }

    /** UpConv2x2 computes jdnn's ConvTranspose2d(in, out, 2, stride 2) given the same weights. */
    @Test
    void upConvMatchesATransposedConvolution() {
        int in = 3;
        int out = 2;
        int n = 2;
        int h = 3;
        int width = 4;
        SplittableRandom random = new SplittableRandom(7);
        float[] xs = new float[n * in * h * width];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) random.nextGaussian();
        }
        try (ConvTranspose2d reference = new ConvTranspose2d(in, out, 2, 2, 0, 0, 1, true, 1, 11L);
             Tensor x = Tensor.of(xs, n, in, h, width);
             Autograd.NoGrad noGrad = Autograd.noGrad();
             NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] expected = reference.forward(x).toFloatArray();
            float[] w = reference.weight().toFloatArray();  // (in, out, 2, 2)
            float[] b = reference.bias().toFloatArray();
            // UpConv2x2's weight (4 * out, in, 1, 1), channel o * 4 + a * 2 + c for kernel position (a, c).
            float[] packed = new float[4 * out * in];
            for (int ci = 0; ci < in; ci++) {
                for (int o = 0; o < out; o++) {
                    for (int k = 0; k < 4; k++) {
                        packed[(o * 4 + k) * in + ci] = w[(ci * out + o) * 4 + k];
                    }
                }
            }
            UpConv2x2 block = new UpConv2x2(in, out);
            block.initialize(manager, DataType.FLOAT32, new Shape(n, in, h, width));
            List<Parameter> params = List.copyOf(block.getParameters().values());
            params.get(0).getArray().set(packed);
            params.get(1).getArray().set(b);
            NDArray y = block.forward(new ParameterStore(manager, false),
                    new NDList(manager.create(xs, new Shape(n, in, h, width))), false).singletonOrThrow();
            assertEquals(new Shape(n, out, 2 * h, 2 * width), y.getShape());
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }
}
