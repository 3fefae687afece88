package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.onednn.OneDnnBackend;
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
 * The convolution of a ResNet-18 basic block ({@link ConvLayer#RESNET_BLOCK}: 64 -> 64, 3x3, padding 1 on
 * [32, 64, 56, 56], no bias): forward, backward data and backward weights, in milliseconds per call, with
 * GFLOP/s from {@code GflopsProfiler} (7.4 GFLOP per pass).
 *
 * <p>oneDNN only by default: the reference takes several seconds per pass at this size. {@code -p
 * backend=reference} runs it anyway (each iteration then holds one or two calls).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class ResNetConvBenchmark {
    static final int BATCH = 32;

    @Param({"onednn"})
    public String backend;

    private final ConvLayer conv = ConvLayer.RESNET_BLOCK;
    private final Conv2dParams params = conv.params();
    private final Conv2dOps.DataGradParams dataGrad = new Conv2dOps.DataGradParams(params, conv.input(BATCH));
    private final Conv2dOps.WeightGradParams weightGrad = new Conv2dOps.WeightGradParams(params, conv.weight(), false);
    private Backend kernels;
    private Tensor src;
    private Tensor weights;
    private Tensor dst;
    private Tensor diffDst;
    private Tensor diffSrc;
    private Tensor diffWeights;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        src = Tensor.randn(1, conv.input(BATCH).dims());
        weights = Tensor.randn(2, conv.weight().dims());
        dst = Tensor.empty(conv.output(BATCH));
        diffDst = Tensor.randn(3, conv.output(BATCH).dims());
        diffSrc = Tensor.empty(conv.input(BATCH));
        diffWeights = Tensor.empty(conv.weight());
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", "resnet conv forward", this::forward);
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", "resnet conv backward data", this::backwardData);
        BenchmarkBackends.warmUpAndReport(kernels, "conv2d", "resnet conv backward weights", this::backwardWeights);
        if (kernels instanceof OneDnnBackend onednn) {
            System.out.println("onednn resnet conv forward (public query): "
                    + onednn.conv2dImplementation(params, conv.input(BATCH), conv.weight(), conv.bias()));
        }
    }

    @Benchmark
    public void forward() {
        Dispatch.run(kernels, Conv2dOps.FORWARD, params, new Tensor[] {src, weights, null}, new Tensor[] {dst});
    }

    @Benchmark
    public void backwardData() {
        Dispatch.run(kernels, Conv2dOps.BACKWARD_DATA, dataGrad, new Tensor[] {diffDst, weights}, new Tensor[] {diffSrc});
    }

    @Benchmark
    public void backwardWeights() {
        Dispatch.run(kernels, Conv2dOps.BACKWARD_WEIGHTS, weightGrad, new Tensor[] {src, diffDst},
                new Tensor[] {diffWeights, null});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {src, weights, dst, diffDst, diffSrc, diffWeights}) {
            t.close();
        }
    }
}
