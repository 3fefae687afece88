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
 * Square matmul {@code C = A @ B} (n x n, float32) per backend: time per call in ms. With
 * {@code -prof org.jdnn.benchmarks.GflopsProfiler} (ci/bench.sh adds it) JMH also reports GFLOP/s
 * (2 n^3 flop per call) as the secondary metric {@code ·gflops}.
 *
 * <p>Iterations are time-based and short (1 s): the reference at n = 1024 takes seconds per call, so it
 * gets one call per iteration while oneDNN gets thousands, and the whole class runs in about a minute.
 * Inputs and output are allocated once per trial; the first call (primitive creation) happens in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// FFM needs native access; JMH 1.37 itself still calls sun.misc.Unsafe, which JDK 25 warns about.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g"})
@State(Scope.Thread)
public class MatmulBenchmark {
    @Param({"64", "256", "1024"})
    public int n;

    @Param({"onednn", "reference"})
    public String backend;

    private Backend kernels;
    private Tensor a;
    private Tensor b;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchmarkBackends.get(backend);
        a = Tensor.randn(1, n, n);
        b = Tensor.randn(2, n, n);
        out = Tensor.empty(n, n);
        BenchmarkBackends.warmUpOnce(kernels, "matmul", () -> Dispatch.run(kernels, MatmulOps.MATMUL, MatmulParams.PLAIN, new Tensor[] {a, b, null}, new Tensor[] {out}));
        if (kernels instanceof OneDnnBackend onednn) {
            // A "ref:" implementation here would be a performance bug worth seeing next to the number.
            System.out.println("onednn matmul " + n + "^3 implementation: "
                    + onednn.matmulImplementation(MatmulParams.PLAIN, n, n, n));
        }
    }

    @Benchmark
    public void matmul() {
        Dispatch.run(kernels, MatmulOps.MATMUL, MatmulParams.PLAIN, new Tensor[] {a, b, null}, new Tensor[] {out});
    }

    /** Floating-point operations of one n x n x n product: n^3 multiplies and n^3 adds. */
    static double flopPerCall(int n) {
        return 2.0 * n * n * n;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        out.close();
    }
}
