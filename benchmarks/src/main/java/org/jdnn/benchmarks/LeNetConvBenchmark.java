package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
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
 * LeNet-5's two convolutions ({@link ConvLayer#LENET_CONV1}, {@link ConvLayer#LENET_CONV2}, with bias) per
 * backend: forward, backward data and backward weights (with the bias gradient), in microseconds per call;
 * {@code GflopsProfiler} adds GFLOP/s ({@link ConvLayer#flopPerCall}). All tensors are allocated in setup and
 * the kernels write into them ({@link Backend} calls, no allocation in the measured call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class LeNetConvBenchmark {
    @Param({"conv1", "conv2"})
    public String layer;

    @Param({"32", "64"})
    public int batch;

    @Param({"onednn", "reference"})
    public String backend;

    private Backend kernels;
    private Conv2dParams params;
    private Conv2dOps.DataGradParams dataGrad;
    private Conv2dOps.WeightGradParams weightGrad;
    private Tensor src;
    private Tensor weights;
    private Tensor bias;
    private Tensor dst;
    private Tensor diffDst;
    private Tensor diffSrc;
    private Tensor diffWeights;
    private Tensor diffBias;

    @Setup(Level.Trial)
    public void setUp() {
        ConvLayer conv = ConvLayer.lenet(layer);
        kernels = BenchmarkBackends.get(backend);
        params = conv.params();
        dataGrad = new Conv2dOps.DataGradParams(params, conv.input(batch));
        weightGrad = new Conv2dOps.WeightGradParams(params, conv.weight(), true);
        src = Tensor.randn(1, conv.input(batch).dims());
        weights = Tensor.randn(2, conv.weight().dims());
        bias = Tensor.randn(3, conv.outChannels());
        dst = Tensor.empty(conv.output(batch));
        diffDst = Tensor.randn(4, conv.output(batch).dims());
        diffSrc = Tensor.empty(conv.input(batch));
        diffWeights = Tensor.empty(conv.weight());
        diffBias = Tensor.empty(conv.outChannels());
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", layer + " forward", this::forward);
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", layer + " backward data", this::backwardData);
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", layer + " backward weights", this::backwardWeights);
    }

    @Benchmark
    public void forward() {
        Dispatch.run(kernels, Conv2dOps.FORWARD, params, new Tensor[] {src, weights, bias}, new Tensor[] {dst});
    }

    @Benchmark
    public void backwardData() {
        Dispatch.run(kernels, Conv2dOps.BACKWARD_DATA, dataGrad, new Tensor[] {diffDst, weights}, new Tensor[] {diffSrc});
    }

    @Benchmark
    public void backwardWeights() {
        Dispatch.run(kernels, Conv2dOps.BACKWARD_WEIGHTS, weightGrad, new Tensor[] {src, diffDst},
                new Tensor[] {diffWeights, diffBias});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {src, weights, bias, dst, diffDst, diffSrc, diffWeights, diffBias}) {
            t.close();
        }
    }
}
