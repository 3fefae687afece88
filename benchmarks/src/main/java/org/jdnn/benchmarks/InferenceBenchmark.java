package org.jdnn.benchmarks;

import org.jdnn.Jdnn;
import org.jdnn.autograd.Autograd;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.nn.Module;
import org.jdnn.nn.inference.Inference;
import org.jdnn.nn.models.Models;
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
 * Model inference as {@code Trainer.evaluate} runs it: the model in eval mode, the forward under
 * {@link Autograd#noGrad()} inside a {@link org.jdnn.tensor.Scope}, on oneDNN and on the reference backend. By default
 * LeNet-5 at batch 1000 ({@code [1000,1,28,28]}, fixed in setup) and the module {@link Inference#optimize} makes of it
 * ({@code fused=true}: ReLU fused into the convolutions and linear layers); {@code -p fused=false} runs the eval-mode
 * model as it is. On request ({@code -p model=resnet18,unet -p backend=onednn}) the compare workloads' larger models:
 * ResNet-18 (CIFAR stem) on [128,3,32,32] and the U-Net on [16,3,64,64]. Milliseconds per batch; {@code GflopsProfiler}
 * adds {@code ·images} in images/s. The reference takes about a second per LeNet batch, hence the 2 s time-based
 * iterations.
 *
 * <p>{@link #main} runs the same forward without JMH, for oneDNN's profile ({@code ONEDNN_VERBOSE=profile_exec}):
 * <pre>
 *   JDNN_NUM_THREADS=1 ONEDNN_VERBOSE=profile_exec java --enable-native-access=ALL-UNNAMED \
 *       -cp benchmarks/target/benchmarks.jar org.jdnn.benchmarks.InferenceBenchmark resnet18 true 3
 * </pre>
 * (model, fused, timed forwards after two warm-up ones; each forward's milliseconds are printed).
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

    @Param({"lenet"})
    public String model;

    @Param({"true"})
    public boolean fused;

    @Param({"onednn", "reference"})
    public String backend;

    private Backend kernels;
    private Module original;
    private Module net;
    private Tensor images;

    /** The batch of {@code model}'s inference: 1000 for LeNet-5, the compare batch for the others. */
    static int batch(String model) {
        return switch (model) {
            case "lenet" -> BATCH;
            case "resnet18" -> 128;
            case "unet" -> 16;
            default -> throw new IllegalArgumentException("InferenceBenchmark: model must be lenet, resnet18 or unet, "
                    + "got " + model);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        long seed = TrainingStepBenchmark.SEED;
        original = switch (model) {
            case "resnet18" -> Models.resnet18(3, 10, seed);
            case "unet" -> Models.unet(3, 2, seed);
            default -> Models.create(model, seed);
        };
        original.eval();
        net = fused ? Inference.optimize(original) : original;
        int n = batch(model);
        images = model.equals("lenet") ? Tensor.randn(seed + 1, n, 1, 28, 28)
                : Tensor.randn(seed + 1, n, 3, model.equals("unet") ? 64 : 32, model.equals("unet") ? 64 : 32);
        String op = fused ? "conv2d_fused" : "conv2d";
        BenchmarkBackends.warmUpAndReport(kernels, op, model + " inference" + (fused ? " (fused)" : ""), this::forward);
    }

    /** Returns the first output element so JMH consumes the output. */
    @Benchmark
    public float forward() {
        return Backends.with(kernels, () -> {
            try (Autograd.NoGrad noGrad = Autograd.noGrad();
                 org.jdnn.tensor.Scope scope = org.jdnn.tensor.Scope.open()) {
                Tensor out = net.forward(images);
                return out.get(new long[out.rank()]);
            }
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (net != original) {
            net.close();
        }
        original.close();
        images.close();
    }

    /** model (lenet, resnet18, unet), fused (true, false), timed forwards (default 3): ms per forward on oneDNN. */
    public static void main(String[] args) {
        InferenceBenchmark b = new InferenceBenchmark();
        b.model = args.length > 0 ? args[0] : "resnet18";
        b.fused = args.length <= 1 || Boolean.parseBoolean(args[1]);
        b.backend = Backends.ONEDNN;
        int timed = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.println(Jdnn.info().toString().lines().limit(2).reduce((x, y) -> x + "; " + y).orElse(""));
        b.setUp();
        b.forward(); // the second warm-up forward (setUp ran the first)
        System.out.println("timed forwards follow");
        for (int i = 0; i < timed; i++) {
            long start = System.nanoTime();
            b.forward();
            System.out.printf("%s %s forward %d: %.1f ms%n", b.model, b.fused ? "fused" : "eager", i,
                    (System.nanoTime() - start) / 1e6);
        }
        b.tearDown();
    }
}
