package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
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
 * (finite inputs) and on inputs that hold a NaN. Three inputs per layer: plain random values, the same with one NaN,
 * and the output of the layer's convolution and ReLU as LeNet's training step makes it (on oneDNN held in the blocked
 * layout, which the pooling then reads without reordering). Run, after {@code mvn -o -q -DskipTests install} in the
 * repository root (which builds {@code benchmarks/target/benchmarks.jar}):
 * <pre>
 *   OMP_NUM_THREADS=1 java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *        org.jdnn.benchmarks.MaxPoolTiming [backend=onednn] [batch=128] [repetitions=400]
 * </pre>
 * One thread (OMP_NUM_THREADS=1), batch 128, 300 repetitions, a 2-core AVX-512 machine under a load of about 15:
 * forward best of two runs in us, before then after ReLU outputs were marked free of NaN/-Inf (their scan skipped):
 * <pre>
 *   pool2 (conv, ReLU)   [128, 16, 10, 10]   33.2, 31.8  then  22.6, 22.3
 *   pool1 (conv, ReLU)   [128, 6, 28, 28]    288, 227    then  529, 209     (the load swamps pool1's ~100 us scan)
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
            boolean first = layer.equals("pool1");
            Shape input = first ? Shape.of(batch, 6, 28, 28) : Shape.of(batch, 16, 10, 10);
            for (boolean nan : new boolean[] {false, true}) {
                float[] values;
                try (Tensor random = Tensor.randn(1, input.dims())) {
                    values = random.toFloatArray();
                }
                if (nan) {
                    values[values.length / 2] = Float.NaN;
                }
                try (Tensor src = Tensor.of(values, input.dims())) {
                    time(backend, layer + (nan ? " (one NaN)" : ""), src, repetitions);
                }
            }
            try (Tensor src = convRelu(backend, first, batch)) {
                time(backend, layer + " (conv, ReLU)", src, repetitions);
            }
        }
    }

    /** The layer's input as LeNet makes it: conv1 (1 -> 6, 5x5, padding 2) or conv2 (6 -> 16, 5x5), then ReLU. */
    private static Tensor convRelu(Backend backend, boolean first, int batch) {
        Shape images = first ? Shape.of(batch, 1, 28, 28) : Shape.of(batch, 6, 14, 14);
        Shape weights = first ? Shape.of(6, 1, 5, 5) : Shape.of(16, 6, 5, 5);
        Shape output = first ? Shape.of(batch, 6, 28, 28) : Shape.of(batch, 16, 10, 10);
        Conv2dParams conv = Conv2dParams.of(1, first ? 2 : 0);
        try (Tensor x = Tensor.randn(3, images.dims()); Tensor w = Tensor.randn(4, weights.dims());
             Tensor b = Tensor.randn(5, output.dim(1)); Tensor y = Tensor.empty(output)) {
            Dispatch.run(backend, Conv2dOps.FORWARD, conv, new Tensor[] {x, w, b}, new Tensor[] {y});
            Tensor relu = Tensor.empty(output);
            Dispatch.run(backend, EltwiseOps.FORWARD, EltwiseParams.relu(), new Tensor[] {y}, new Tensor[] {relu});
            return relu;
        }
    }

    private static void time(Backend backend, String what, Tensor src, int repetitions) {
        Pool2dParams params = Pool2dParams.max(2, 2, 0);
        Shape input = src.shape();
        Shape output = Pool2dShapes.infer(params, input).output();
        try (Tensor dst = Tensor.empty(output);
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
            System.out.printf("  %-20s %-18s forward median %8.1f best %8.1f   backward median %8.1f best %8.1f%n",
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
