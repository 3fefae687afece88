package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
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
 * LeNet-5's fully connected layers 400 -> 120 -> 84 -> 10 per backend, forward only: PyTorch's
 * {@code linear}, {@code x @ W^T + b} with W stored (out, in), as one matmul with transposed B and a bias.
 * Microseconds per call; {@code GflopsProfiler} adds GFLOP/s ({@code 2 N in out} flop per call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class LeNetLinearBenchmark {
    /** PyTorch's linear layout: B = W is (out, in), used transposed. */
    static final MatmulParams LINEAR = new MatmulParams(false, true);

    @Param({"fc1", "fc2", "fc3"})
    public String layer;

    @Param({"32", "64"})
    public int batch;

    @Param({"onednn", "reference"})
    public String backend;

    private Backend kernels;
    private Tensor x;
    private Tensor weight;
    private Tensor bias;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        long in = inFeatures(layer);
        long outFeatures = outFeatures(layer);
        kernels = BenchmarkBackends.get(backend);
        x = Tensor.randn(1, batch, in);
        weight = Tensor.randn(2, outFeatures, in);
        bias = Tensor.randn(3, outFeatures);
        out = Tensor.empty(batch, outFeatures);
        BenchmarkBackends.warmUpAndReport(kernels, "matmul", layer + " forward", this::forward);
        if (kernels instanceof OneDnnBackend onednn) {
            // The public query, for comparison with the logged one (it has no bias: the primitive may differ).
            System.out.println("onednn " + layer + " matmul " + batch + "x" + in + "x" + outFeatures
                    + " without bias: " + onednn.matmulImplementation(LINEAR, batch, in, outFeatures));
        }
    }

    @Benchmark
    public void forward() {
        Dispatch.run(kernels, MatmulOps.MATMUL, LINEAR, new Tensor[] {x, weight, bias}, new Tensor[] {out});
    }

    static long inFeatures(String layer) {
        return switch (layer) {
            case "fc1" -> 400;
            case "fc2" -> 120;
            case "fc3" -> 84;
            default -> throw new IllegalArgumentException("benchmark: unknown LeNet linear layer '" + layer + "'");
        };
    }

    static long outFeatures(String layer) {
        return switch (layer) {
            case "fc1" -> 120;
            case "fc2" -> 84;
            case "fc3" -> 10;
            default -> throw new IllegalArgumentException("benchmark: unknown LeNet linear layer '" + layer + "'");
        };
    }

    /** Multiply-adds times two: {@code 2 N in out} (the bias add is not counted). */
    static double flopPerCall(String layer, int batch) {
        return 2.0 * batch * inFeatures(layer) * outFeatures(layer);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        weight.close();
        bias.close();
        out.close();
    }
}
