package org.jdnn.device;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Fallbacks;
import org.jdnn.nn.models.Models;
import org.jdnn.loss.Losses;
import org.jdnn.loss.Reduction;
import org.jdnn.nn.Module;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.Transfers;
import org.jdnn.train.checkpoint.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training on the simulated device: every op of a LeNet step runs as a kernel of the device, parameters, gradients and
 * optimizer state stay there, and the host sees the values only through counted copies. The CUDA backend plugs into
 * this same path with its own kernels.
 */
class SimTrainingTest {
    private static final int[] LABELS = {0, 1, 2, 3, 4, 5, 6, 7};

    @Test
    void lenetStepsOnSimEqualTheReferenceBitForBit() {
        Trained reference = Backends.with(Backends.get(Backends.REFERENCE), () -> train(Device.CPU, 3));
        Trained sim = train(Device.SIM, 3);
        assertEquals(reference.parameters().size(), sim.parameters().size());
        for (int i = 0; i < reference.parameters().size(); i++) {
            assertArrayEquals(bits(reference.parameters().get(i)), bits(sim.parameters().get(i)),
                    "parameter " + i + " differs between the reference and sim");
        }
        assertArrayEquals(reference.losses(), sim.losses());
    }

    @Test
    void aSteadyStateStepOnSimCopiesNothingButTheLossItIsAskedFor() {
        try (Module net = Models.create("lenet", 7).to(Device.SIM);
             Adam optimizer = new Adam(net.parameters(), AdamParams.adam(1e-3));
             Tensor x = Tensor.randn(3, 8, 1, 28, 28).to(Device.SIM);
             Tensor targets = oneHot(LABELS, 10).to(Device.SIM)) {
            Fallbacks.reset();
            for (int warmUp = 0; warmUp < 2; warmUp++) { // the first step creates the gradients and Adam's state
                try (Scope scope = Scope.open()) {
                    step(net, optimizer, x, targets);
                }
            }
            Transfers.Counts before = Transfers.counts();
            try (Scope scope = Scope.open()) {
                Tensor loss = step(net, optimizer, x, targets);
                assertEquals(new Transfers.Counts(0, 0, 0, 0), Transfers.counts().since(before),
                        "a training step on sim copied between host and device");
                float value = loss.item();
                assertEquals(new Transfers.Counts(0, 1, 0, 4), Transfers.counts().since(before), "reading the loss");
                assertEquals(true, Float.isFinite(value), "loss " + value);
            }
            assertEquals(0, Fallbacks.total(), "fallbacks: " + Fallbacks.taken());
        }
    }

    @Test
    void aCheckpointWrittenOnSimLoadsOnTheCpuAndBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lenet.safetensors");
        try (Module onSim = Models.create("lenet", 5).to(Device.SIM);
             Module onCpu = Models.create("lenet", 6);
             Module backOnSim = Models.create("lenet", 8).to(Device.SIM)) {
            SafeTensors.write(file, onSim.stateDict());
            try (var read = SafeTensors.read(file)) {
                onCpu.loadStateDict(read.tensors());
            }
            backOnSim.loadStateDict(onCpu.stateDict());
            for (Map.Entry<String, Tensor> e : onSim.stateDict().entrySet()) {
                float[] expected = e.getValue().toFloatArray();
                assertArrayEquals(expected, onCpu.stateDict().get(e.getKey()).toFloatArray(), e.getKey() + " on the cpu");
                assertArrayEquals(expected, backOnSim.stateDict().get(e.getKey()).toFloatArray(), e.getKey() + " on sim");
                assertEquals(Device.SIM, backOnSim.stateDict().get(e.getKey()).device());
            }
        }
    }

    private record Trained(List<float[]> parameters, float[] losses) {
    }

    /** LeNet (seed 42) trained for {@code steps} Adam steps on {@code device}, read back to the host. */
    private static Trained train(Device device, int steps) {
        try (Module net = Models.create("lenet", 42).to(device);
             Adam optimizer = new Adam(net.parameters(), AdamParams.adam(1e-3))) {
            float[] losses = new float[steps];
            for (int s = 0; s < steps; s++) {
                try (Scope scope = Scope.open()) {
                    Tensor x = Tensor.randn(100 + s, 8, 1, 28, 28).to(device);
                    Tensor loss = Losses.crossEntropy(net.forward(x), LABELS, Reduction.MEAN, 0.1);
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                    losses[s] = loss.item();
                }
            }
            List<float[]> parameters = new ArrayList<>();
            for (Tensor p : net.parameters()) {
                assertEquals(device, p.device(), "parameter " + p.shape());
                assertEquals(device, p.grad().device(), "gradient of " + p.shape());
                parameters.add(p.toFloatArray());
            }
            return new Trained(parameters, losses);
        }
    }

    private static Tensor step(Module net, Adam optimizer, Tensor x, Tensor targets) {
        Tensor loss = Losses.crossEntropy(net.forward(x), targets, Reduction.MEAN, 0.1);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss;
    }

    private static Tensor oneHot(int[] labels, int classes) {
        float[] q = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            q[i * classes + labels[i]] = 1f;
        }
        return Tensor.of(q, labels.length, classes);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
