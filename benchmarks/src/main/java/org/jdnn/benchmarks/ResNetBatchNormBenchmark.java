package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
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
 * The batch normalization of a ResNet-18 basic block in training: 64 channels of [32, 64, 56, 56], with
 * scale and shift. The forward computes the batch statistics and normalises; the backward gives the input,
 * scale and shift gradients through the batch statistics. Milliseconds per call; oneDNN only by default
 * ({@code -p backend=reference} runs the reference too).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class ResNetBatchNormBenchmark {
    static final long[] SHAPE = {32, 64, 56, 56};

    @Param({"onednn"})
    public String backend;

    private final BatchNormParams params = BatchNormParams.DEFAULT;
    private final BatchNormOps.BackwardParams gradients = new BatchNormOps.BackwardParams(params, true, true, true);
    private Backend kernels;
    private Tensor src;
    private Tensor scale;
    private Tensor shift;
    private Tensor mean;
    private Tensor variance;
    private Tensor dst;
    private Tensor diffDst;
    private Tensor diffSrc;
    private Tensor diffScale;
    private Tensor diffShift;

    @Setup(Level.Trial)
    public void setUp() {
        long channels = SHAPE[1];
        kernels = BenchmarkBackends.get(backend);
        src = Tensor.randn(1, SHAPE);
        scale = Tensor.rand(2, channels);
        shift = Tensor.randn(3, channels);
        mean = Tensor.empty(channels);
        variance = Tensor.empty(channels);
        dst = Tensor.empty(SHAPE);
        diffDst = Tensor.randn(4, SHAPE);
        diffSrc = Tensor.empty(SHAPE);
        diffScale = Tensor.empty(channels);
        diffShift = Tensor.empty(channels);
        // The forward first: the backward uses the batch statistics it writes.
        BenchmarkBackends.warmUpAndReport(kernels, "batchnorm", "resnet batchnorm forward", this::forward);
        BenchmarkBackends.warmUpAndReport(kernels, "batchnorm", "resnet batchnorm backward", this::backward);
    }

    /** Training forward: writes the batch mean and biased variance, and the normalised output. */
    @Benchmark
    public void forward() {
        Dispatch.run(kernels, BatchNormOps.TRAINING, params, new Tensor[] {src, scale, shift, null, null},
                new Tensor[] {dst, mean, variance});
    }

    /** Training backward: the input gradient through the batch statistics, plus the scale and shift gradients. */
    @Benchmark
    public void backward() {
        Dispatch.run(kernels, BatchNormOps.BACKWARD, gradients, new Tensor[] {src, diffDst, scale, mean, variance},
                new Tensor[] {diffSrc, diffScale, diffShift});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {src, scale, shift, mean, variance, dst, diffDst, diffSrc, diffScale, diffShift}) {
            t.close();
        }
    }
}
