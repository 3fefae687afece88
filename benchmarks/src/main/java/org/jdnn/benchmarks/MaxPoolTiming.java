package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * A plain timing of LeNet-size 2x2 stride-2 max pooling for training, forward (with its workspace) then backward,
 * on one backend, without JMH: the median and the best of many repetitions, in microseconds, for pool1
 * [N,6,28,28] and pool2 [N,16,10,10]. It measures what max pooling's NaN/-Inf handling costs on the hot path
 * (finite inputs) and on inputs that hold a NaN. Run, after {@code mvn -o -q -DskipTests compile} in the
 * repository root:
 * <pre>
 *   javac -cp target/classes -d /tmp/jdnn-timing benchmarks/src/main/java/org/jdnn/benchmarks/MaxPoolTiming.java
 *   java --enable-native-access=ALL-UNNAMED -cp target/classes:/tmp/jdnn-timing \
 *        org.jdnn.benchmarks.MaxPoolTiming [backend=onednn] [batch=128] [repetitions=400]
 * </pre>
 * (with oneDNN's jar on the class path: {@code ~/.m2/repository/org/bytedeco/dnnl/3.13-1.5.14/dnnl-3.13-1.5.14-linux-x86_64.jar},
 * or {@code -Djdnn.dnnl.path=DIR}).
 * <pre>
 * </pre>
 */
public final class MaxPoolTiming {
    private MaxPoolTiming() {
    }

    public static void main(String[] args) {
        String backendName = args.length > 0 ? args[0] : "onednn";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        Backend backend = Backends.get(backendName);
        System.out.printf("max pooling 2x2/2, training forward + backward, %s, batch %d, %d repetitions (us)%n",
                backendName, batch, repetitions);
        for (String layer : new String[] {"pool1", "pool2"}) {
            Shape input = layer.equals("pool1") ? Shape.of(batch, 6, 28, 28) : Shape.of(batch, 16, 10, 10);
            for (boolean nan : new boolean[] {false, true}) {
                time(backend, layer + (nan ? " (one NaN)" : ""), input, nan, repetitions);
            }
        }
    }

    private static void time(Backend backend, String what, Shape input, boolean nan, int repetitions) {
        Pool2dParams params = Pool2dParams.max(2, 2, 0);
        Shape output = Pool2dShapes.infer(params, input).output();
        float[] values;
        try (Tensor random = Tensor.randn(1, input.dims())) {
            values = random.toFloatArray();
        }
        if (nan) {
            values[values.length / 2] = Float.NaN;
        }
        try (Tensor src = Tensor.of(values, input.dims()); Tensor dst = Tensor.empty(output);
             Tensor diffDst = Tensor.randn(2, output.dims()); Tensor diffSrc = Tensor.empty(input)) {
            Pool2dOps.BackwardParams gradients = new Pool2dOps.BackwardParams(params, input);
            long[] forward = new long[repetitions];
            long[] backward = new long[repetitions];
            for (int warm = 0; warm < 2; warm++) {
                for (int i = 0; i < repetitions; i++) {
                    Tensor[] outputs = {dst, null};
                    long t0 = System.nanoTime();
                    Dispatch.run(backend, Pool2dOps.TRAINING, params, new Tensor[] {src}, outputs);
                    long t1 = System.nanoTime();
                    Dispatch.run(backend, Pool2dOps.BACKWARD, gradients, new Tensor[] {diffDst, outputs[1]},
                            new Tensor[] {diffSrc});
                    long t2 = System.nanoTime();
                    outputs[1].close();
                    forward[i] = t1 - t0;
                    backward[i] = t2 - t1;
                }
            }
            System.out.printf("  %-16s %-18s forward median %8.1f best %8.1f   backward median %8.1f best %8.1f%n",
                    what, input, median(forward), best(forward), median(backward), best(backward));
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e3;
    }

    private static double best(long[] nanos) {
        return Arrays.stream(nanos).min().orElse(0) / 1e3;
    }
}
