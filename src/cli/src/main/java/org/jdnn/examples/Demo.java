package org.jdnn.examples;

import org.jdnn.Jdnn;
import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

/** The README's first command: what jdnn loaded, and one matrix product on each available backend. */
public final class Demo {
    public static void main(String[] args) {
        System.out.println(Jdnn.info());
        long m = 256, k = 512, n = 128;
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(1, m, k);
            Tensor b = Tensor.randn(2, k, n);
            System.out.printf("%nA %s @ B %s:%n", a.shape(), b.shape());
            float[] expected = null;
            for (String name : Backends.names()) {
                if (Backends.unavailableReason(name).isPresent()) {
                    System.out.printf("  %-9s skipped (%s)%n", name, Backends.unavailableReason(name).get());
                    continue;
                }
                Backend backend = Backends.get(name);
                Tensor x = a.to(backend.device()); // a view on the CPU, a copy on another device
                Tensor y = b.to(backend.device());
                Tensor c = Backends.with(backend, () -> F.matmul(x, y)); // first call: JIT and primitive setup
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    Backends.with(backend, () -> F.matmul(x, y)).close();
                    best = Math.min(best, (System.nanoTime() - start) / 1e6);
                }
                float[] values = c.toFloatArray();
                if (expected == null) {
                    expected = values;
                }
                System.out.printf("  %-9s %8.2f ms (best of 3, %6.1f GFLOP/s)  max |difference| vs reference = %.3g%n",
                        name, best, 2.0 * m * k * n / best / 1e6, maxDifference(expected, values));
            }
            Tensor c = F.matmul(a, b);
            System.out.println("\nC = A @ B on the default backend:\n" + c);
        }
    }

    private static double maxDifference(float[] x, float[] y) {
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }
}
