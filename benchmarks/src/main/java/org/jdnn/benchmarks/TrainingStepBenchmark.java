package org.jdnn.benchmarks;

import org.jdnn.autograd.Autocast;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.nn.models.Models;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Module;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.tensor.DType;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One training step of a whole model at batch 128, as {@code Trainer.trainEpoch} runs it: inside a
 * {@link org.jdnn.tensor.Scope}, forward, mean cross-entropy against the labels, {@code item()} of the loss,
 * zero the gradients, backward, Adam step (lr 1e-3, PyTorch's defaults). The models are {@code mlp}
 * (784-256-128-10) and {@code lenet} (LeNet-5) from {@link Models}, on oneDNN and on the reference backend.
 * The input [128,1,28,28] (standard normal) and the labels (uniform over 10 classes) are fixed in setup, so
 * only the step is timed (no data loading, no accuracy count). Milliseconds per step; {@code GflopsProfiler}
 * adds {@code ·images} in images/s (128 images per step).
 *
 * <p>The reference backend runs both models too: a step takes about 0.1 s (mlp) and 0.3 s (lenet) there, so the
 * iterations are 2 s long and time-based, which gives it a handful of steps per iteration.
 *
 * <p>Two larger models run only when asked for ({@code -p model=resnet18,unet -p backend=onednn}): a step takes
 * seconds on 2 cores, so they would stretch the default run by many minutes. {@code resnet18} is
 * {@link Models#resnet18} (CIFAR stem) on [128,1,32,32]; {@code unet} is {@link Models#unet} (one class) at batch
 * 16 on [16,1,64,64], with binary cross-entropy against a fixed per-pixel mask (1 where the input is positive).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// Six warm-up iterations: on the 2-core machine a LeNet step is still settling after two (19, 15, 10 ... 7.3 ms).
@Warmup(iterations = 6, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class TrainingStepBenchmark {
    static final int BATCH = 128;
    /** The U-Net's batch: 64x64 images with a decoder are far larger per image than 28x28 classification. */
    static final int UNET_BATCH = 16;
    static final int CLASSES = 10;
    static final long SEED = 42;

    @Param({"mlp", "lenet"})
    public String model;

    @Param({"onednn", "reference"})
    public String backend;

    /**
     * fp32, or bf16: the step under {@link Autocast#bf16()} (convolutions and matmuls in bf16, float32 weights and
     * sums). Only fp32 by default; {@code -p precision=fp32,bf16 -p model=lenet -p backend=onednn} compares them.
     */
    @Param({"fp32"})
    public String precision;

    private Backend kernels;
    private Module net;
    private Optimizer optimizer;
    private Tensor images;
    private int[] labels;
    /** The per-pixel target of the U-Net, else null. */
    private Tensor mask;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        if (model.equals("unet")) {
            net = Models.unet(1, 1, SEED);
            images = Tensor.randn(SEED + 1, UNET_BATCH, 1, 64, 64);
            try (Tensor positive = images.gt(0)) {
                mask = positive.to(DType.FLOAT32); // 1 where positive, 0 elsewhere
            }
        } else {
            net = Models.create(model, SEED);
            long[] sample = Models.inputShape(model);
            images = Tensor.randn(SEED + 1, BATCH, sample[0], sample[1], sample[2]);
            labels = randomLabels(SEED + 2, BATCH);
        }
        net.train();
        optimizer = new Adam(net.parameters(), AdamParams.adam(1e-3));
        // One step outside the measurement: creates the primitives and the optimizer state, checks oneDNN ran.
        // The U-Net has no fully connected layer: its convolutions show that oneDNN ran.
        String nativeOp = model.equals("unet") ? "conv2d" : "matmul";
        BenchmarkBackends.warmUpAndReport(kernels, nativeOp, model + " training step", this::step);
    }

    /** Returns the loss so JMH consumes it. */
    @Benchmark
    public float step() {
        return Backends.with(kernels, () -> {
            try (Autocast autocast = precision.equals("bf16") ? Autocast.bf16() : Autocast.fp32();
                 org.jdnn.tensor.Scope scope = org.jdnn.tensor.Scope.open()) {
                Tensor output = net.forward(images);
                Tensor loss = mask != null ? Losses.binaryCrossEntropyWithLogits(output, mask)
                        : Losses.crossEntropy(output, labels);
                float value = loss.item();
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                return value;
            }
        });
    }

    /** Images per step of {@code model}. */
    static int batch(String model) {
        return model.equals("unet") ? UNET_BATCH : BATCH;
    }

    static int[] randomLabels(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        return labels;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        net.close();
        images.close();
        if (mask != null) {
            mask.close();
        }
    }
}
