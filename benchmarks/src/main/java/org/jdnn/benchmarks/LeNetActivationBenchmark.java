package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
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
 * LeNet-5's activations per backend, forward and backward: ReLU on conv1's output [N, 6, 28, 28] (the
 * largest ReLU of the network) and the final log-softmax over the 10 classes of [N, 10]. Microseconds per
 * call; every tensor is allocated in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class LeNetActivationBenchmark {
    @Param({"32", "64"})
    public int batch;

    @Param({"onednn", "reference"})
    public String backend;

    private final EltwiseParams relu = EltwiseParams.relu();
    private final SoftmaxParams logSoftmax = SoftmaxParams.logSoftmax(1);
    private Backend kernels;
    private Tensor reluSrc;
    private Tensor reluDst;
    private Tensor reluDiffDst;
    private Tensor reluDiffSrc;
    private Tensor logits;
    private Tensor logProbabilities;
    private Tensor softmaxDiffDst;
    private Tensor softmaxDiffSrc;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        reluSrc = Tensor.randn(1, batch, 6, 28, 28);
        reluDst = Tensor.empty(batch, 6, 28, 28);
        reluDiffDst = Tensor.randn(2, batch, 6, 28, 28);
        reluDiffSrc = Tensor.empty(batch, 6, 28, 28);
        logits = Tensor.randn(3, batch, 10);
        logProbabilities = Tensor.empty(batch, 10);
        softmaxDiffDst = Tensor.randn(4, batch, 10);
        softmaxDiffSrc = Tensor.empty(batch, 10);
        BenchmarkBackends.warmUpAndReport(kernels, "eltwise", "relu forward", this::reluForward);
        BenchmarkBackends.warmUpAndReport(kernels, "eltwise", "relu backward", this::reluBackward);
        // oneDNN's log-softmax forward is a Java loop (OneDnnSoftmax says why): no primitive to check for.
        BenchmarkBackends.report(kernels, "log-softmax forward", this::logSoftmaxForward);
        BenchmarkBackends.warmUpAndReport(kernels, logSoftmax.opName(), "log-softmax backward", this::logSoftmaxBackward);
    }

    @Benchmark
    public void reluForward() {
        Dispatch.run(kernels, EltwiseOps.FORWARD, relu, new Tensor[] {reluSrc}, new Tensor[] {reluDst});
    }

    /** From the forward input, as PyTorch's threshold_backward. */
    @Benchmark
    public void reluBackward() {
        Dispatch.run(kernels, EltwiseOps.BACKWARD, relu, new Tensor[] {reluSrc, reluDiffDst}, new Tensor[] {reluDiffSrc});
    }

    @Benchmark
    public void logSoftmaxForward() {
        Dispatch.run(kernels, SoftmaxOps.FORWARD, logSoftmax, new Tensor[] {logits}, new Tensor[] {logProbabilities});
    }

    /** From the forward output. */
    @Benchmark
    public void logSoftmaxBackward() {
        Dispatch.run(kernels, SoftmaxOps.BACKWARD, logSoftmax, new Tensor[] {logProbabilities, softmaxDiffDst}, new Tensor[] {softmaxDiffSrc});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {reluSrc, reluDst, reluDiffDst, reluDiffSrc, logits, logProbabilities,
                softmaxDiffDst, softmaxDiffSrc}) {
            t.close();
        }
    }
}
