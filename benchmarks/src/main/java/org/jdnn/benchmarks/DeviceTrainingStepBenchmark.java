package org.jdnn.benchmarks;

import org.jdnn.loss.Losses;
import org.jdnn.nn.Module;
import org.jdnn.nn.models.Models;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One training step on a device ({@code cuda} by default), the GPU counterpart of {@link TrainingStepBenchmark}:
 * the model, its optimizer state, the batch and the int64 labels live on the device; forward, mean cross-entropy,
 * {@code item()} of the loss (which waits for the device, so the step's kernels are all in the time), zero the
 * gradients, backward, Adam step (lr 1e-3). Models: {@code lenet} and {@code cnn} at [128,1,28,28] and
 * {@code resnet18} (CIFAR stem) at [128,1,32,32]. {@code benchmarks/gpu/pytorch_steps.py} times the same models in
 * PyTorch eager on the same GPU; {@code benchmarks/gpu/compare.sh} runs both.
 *
 * <p>{@code -p device=sim} runs the same code on the simulated device (the reference's kernels, slow), which is how
 * a machine without a GPU checks that the benchmark itself works.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx2g"})
@State(Scope.Thread)
public class DeviceTrainingStepBenchmark {
    static final long SEED = 42;

    @Param({"lenet", "cnn", "resnet18"})
    public String model;

    /** {@code cuda}, {@code cuda:N} or {@code sim}. */
    @Param({"cuda"})
    public String device;

    private Module net;
    private Optimizer optimizer;
    private Tensor images;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setUp() {
        Device target = Device.parse(device);
        net = Models.create(model, SEED).to(target);
        net.train();
        optimizer = new Adam(net.parameters(), AdamParams.adam(1e-3));
        long[] sample = Models.inputShape(model);
        int batch = TrainingStepBenchmark.BATCH;
        try (Tensor hostImages = Tensor.randn(SEED + 1, batch, sample[0], sample[1], sample[2]);
             Tensor hostLabels = Tensor.ofLongs(longs(TrainingStepBenchmark.randomLabels(SEED + 2, batch)), batch)) {
            images = hostImages.to(target);
            labels = hostLabels.to(target);
        }
        step(); // outside the measurement: algorithm choice, workspaces, optimizer state
    }

    /** Returns the loss so JMH consumes it. */
    @Benchmark
    public float step() {
        try (org.jdnn.tensor.Scope scope = org.jdnn.tensor.Scope.open()) {
            Tensor loss = Losses.crossEntropy(net.forward(images), labels);
            float value = loss.item();
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            return value;
        }
    }

    private static long[] longs(int[] values) {
        long[] result = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        net.close();
        images.close();
        labels.close();
    }
}
