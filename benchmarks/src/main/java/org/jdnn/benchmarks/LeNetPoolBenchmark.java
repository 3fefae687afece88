package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.tensor.Shape;
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
 * LeNet-5's two 2x2 stride-2 max poolings per backend, as in training: the forward makes the workspace the
 * backward reads. pool1 takes conv1's output [N, 6, 28, 28], pool2 conv2's [N, 16, 10, 10]. Microseconds per
 * call; outputs are allocated in setup, the workspace by each training forward (as in a training step).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class LeNetPoolBenchmark {
    @Param({"pool1", "pool2"})
    public String layer;

    @Param({"32", "64"})
    public int batch;

    @Param({"onednn", "reference"})
    public String backend;

    private final Pool2dParams params = Pool2dParams.max(2, 2, 0);
    private Backend kernels;
    private Tensor src;
    private Tensor dst;
    private Tensor diffDst;
    private Tensor diffSrc;
    private Pool2dOps.BackwardParams gradients;
    private Tensor workspace;

    @Setup(Level.Trial)
    public void setUp() {
        Shape input = switch (layer) {
            case "pool1" -> Shape.of(batch, 6, 28, 28);
            case "pool2" -> Shape.of(batch, 16, 10, 10);
            default -> throw new IllegalArgumentException("benchmark: unknown LeNet pool layer '" + layer + "'");
        };
        Shape output = Pool2dShapes.infer(params, input).output();
        kernels = BenchmarkBackends.get(backend);
        src = Tensor.randn(1, input.dims());
        dst = Tensor.empty(output);
        diffDst = Tensor.randn(2, output.dims());
        diffSrc = Tensor.empty(input);
        gradients = new Pool2dOps.BackwardParams(params, input);
        // The forward first: the backward needs the workspace it makes.
        BenchmarkBackends.warmUpAndReport(kernels, "pool2d", layer + " forward", this::forward);
        BenchmarkBackends.warmUpAndReport(kernels, "pool2d", layer + " backward", this::backward);
    }

    /** Max pooling for training (makes a workspace, which replaces the previous one). */
    @Benchmark
    public void forward() {
        Tensor[] outputs = {dst, null};
        Dispatch.run(kernels, Pool2dOps.TRAINING, params, new Tensor[] {src}, outputs);
        if (workspace != null) {
            workspace.close();
        }
        workspace = outputs[1];
    }

    @Benchmark
    public void backward() {
        Dispatch.run(kernels, Pool2dOps.BACKWARD, gradients, new Tensor[] {diffDst, workspace}, new Tensor[] {diffSrc});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        src.close();
        dst.close();
        diffDst.close();
        diffSrc.close();
        if (workspace != null) {
            workspace.close();
        }
    }
}
