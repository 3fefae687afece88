package org.jdnn.benchmarks;

import org.jdnn.autograd.Autograd;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.nn.models.Models;
import org.jdnn.nn.Module;
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
 * LeNet-5 inference at batch 1000, as {@code Trainer.evaluate} runs it: the model in eval mode, the forward
 * under {@link Autograd#noGrad()} inside a {@link org.jdnn.tensor.Scope}, on oneDNN and on the reference
 * backend. The input [1000,1,28,28] is fixed in setup. Milliseconds per batch; {@code GflopsProfiler} adds
 * {@code ·images} in images/s (1000 images per call). The reference takes about a second per batch, hence the 2 s
 * time-based iterations.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// Six warm-up iterations, as TrainingStepBenchmark: after two the JIT and the caches are not settled yet.
@Warmup(iterations = 6, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class InferenceBenchmark {
    static final int BATCH = 1000;
    static final String MODEL = "lenet";

    @Param({"onednn", "reference"})
    public String backend;

    private Backend kernels;
    private Module net;
    private Tensor images;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        net = Models.create(MODEL, TrainingStepBenchmark.SEED);
        net.eval();
        images = Tensor.randn(TrainingStepBenchmark.SEED + 1, BATCH, 1, 28, 28);
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", MODEL + " inference", this::forward);
    }

    /** Returns the first logit so JMH consumes the output. */
    @Benchmark
    public float forward() {
        return Backends.with(kernels, () -> {
            try (Autograd.NoGrad noGrad = Autograd.noGrad();
                 org.jdnn.tensor.Scope scope = org.jdnn.tensor.Scope.open()) {
                Tensor logits = net.forward(images);
                return logits.get(0, 0);
            }
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        net.close();
        images.close();
    }
}
