package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
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
 * The fixed cost of one call on a one-element tensor, where the arithmetic is negligible: for oneDNN that is
 * argument checks, the primitive-cache lookup, the per-thread stream, binding the memory objects and the FFM
 * downcall to {@code dnnl_primitive_execute} (design target: a few microseconds). The reference backend,
 * a plain Java loop over one element, is the floor. Outputs are preallocated; the primitive is created in
 * setup, so every measured call hits the cache.
 *
 * <p>Add {@code -prof gc} to see the bytes allocated per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class ExecuteOverheadBenchmark {
    @Param({"onednn", "reference"})
    public String backend;

    private Backend kernels;
    private final EltwiseParams reluParams = EltwiseParams.relu();
    private Tensor reluSrc;
    private Tensor reluDst;
    private Tensor a;
    private Tensor b;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        // onednn is OneDnnBackend.shared(), the instance Functional calls use.
        kernels = backend.equals(Backends.ONEDNN) ? OneDnnBackend.shared() : BenchmarkBackends.get(backend);
        reluSrc = Tensor.of(-0.5f);
        reluDst = Tensor.empty(1);
        a = Tensor.of(new float[] {1.5f}, 1, 1);
        b = Tensor.of(new float[] {-2f}, 1, 1);
        out = Tensor.empty(1, 1);
        BenchmarkBackends.warmUpOnce(kernels, "eltwise", this::relu);
        BenchmarkBackends.warmUpOnce(kernels, "matmul", this::matmul);
    }

    /** ReLU forward on one element. */
    @Benchmark
    public void relu() {
        Dispatch.run(kernels, EltwiseOps.FORWARD, reluParams, new Tensor[] {reluSrc}, new Tensor[] {reluDst});
    }

    /** A 1x1 @ 1x1 matmul. */
    @Benchmark
    public void matmul() {
        Dispatch.run(kernels, MatmulOps.MATMUL, MatmulParams.PLAIN, new Tensor[] {a, b, null}, new Tensor[] {out});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reluSrc.close();
        reluDst.close();
        a.close();
        b.close();
        out.close();
    }
}
