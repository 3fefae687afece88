package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
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
 * The element-wise ops of a ResNet-18 basic block on [32, 64, 56, 56] (6.4 M floats, 25.7 MB per tensor):
 * ReLU forward and backward, and the residual add of two such tensors (same shape, no broadcasting), all
 * out of place. Milliseconds per call; memory-bound. oneDNN only by default ({@code -p backend=reference}
 * runs the reference too).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class ResNetEltwiseBenchmark {
    static final long[] SHAPE = {32, 64, 56, 56};

    @Param({"onednn"})
    public String backend;

    private final EltwiseParams relu = EltwiseParams.relu();
    private final BinaryParams add = BinaryParams.of(BinaryAlgorithm.ADD);
    private Backend kernels;
    private Tensor a;
    private Tensor b;
    private Tensor out;
    private Tensor diffDst;
    private Tensor diffSrc;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        a = Tensor.randn(1, SHAPE);
        b = Tensor.randn(2, SHAPE);
        out = Tensor.empty(SHAPE);
        diffDst = Tensor.randn(3, SHAPE);
        diffSrc = Tensor.empty(SHAPE);
        BenchmarkBackends.warmUpAndReport(kernels, "eltwise", "resnet relu forward", this::reluForward);
        BenchmarkBackends.warmUpAndReport(kernels, "eltwise", "resnet relu backward", this::reluBackward);
        BenchmarkBackends.warmUpAndReport(kernels, "binary", "resnet add", this::add);
    }

    @Benchmark
    public void reluForward() {
        Dispatch.run(kernels, EltwiseOps.FORWARD, relu, new Tensor[] {a}, new Tensor[] {out});
    }

    @Benchmark
    public void reluBackward() {
        Dispatch.run(kernels, EltwiseOps.BACKWARD, relu, new Tensor[] {a, diffDst}, new Tensor[] {diffSrc});
    }

    /** The residual connection: out = a + b. */
    @Benchmark
    public void add() {
        Dispatch.run(kernels, BinaryOps.BINARY, add, new Tensor[] {a, b}, new Tensor[] {out});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {a, b, out, diffDst, diffSrc}) {
            t.close();
        }
    }
}
