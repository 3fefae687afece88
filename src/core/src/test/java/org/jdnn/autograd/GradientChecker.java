package org.jdnn.autograd;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks an autograd function's gradients: the analytic gradient of {@code L = sum(c * f(x))} for a random
 * {@code c} against central finite differences on the reference backend, and the same gradients computed
 * on oneDNN against the reference's. Inputs are small; float32 finite differences use step h with a
 * tolerance of {@code tol * (1 + |g|)}.
 */
final class GradientChecker {
    private GradientChecker() {
    }

    static void check(String name, Function<Tensor[], Tensor> f, long seed, double h, double tol, Tensor... inputs) {
        float[][] reference = Backends.with(ReferenceBackend.INSTANCE, () -> analytic(f, seed, inputs));
        for (int i = 0; i < inputs.length; i++) {
            float[] numeric = numeric(f, seed, inputs, i, h);
            compare(name + " reference vs finite differences, input " + i + " " + inputs[i].shape() + " seed " + seed,
                    numeric, reference[i], tol);
        }
        float[][] onednn = Backends.with(Backends.get("onednn"), () -> analytic(f, seed, inputs));
        for (int i = 0; i < inputs.length; i++) {
            compare(name + " onednn vs reference, input " + i + " " + inputs[i].shape() + " seed " + seed,
                    reference[i], onednn[i], 1e-4);
        }
    }

    /** Gradients of sum(c * f(x)) for every input, by backward(). */
    private static float[][] analytic(Function<Tensor[], Tensor> f, long seed, Tensor[] inputs) {
        try (Scope scope = Scope.open()) {
            Tensor[] leaves = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                leaves[i] = inputs[i].copy().requiresGrad(true);
            }
            Tensor y = f.apply(leaves);
            Tensor c = Tensor.randn(seed, y.dims());
            F.sum(F.mul(y, c)).backward();
            float[][] grads = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                assertNotNull(leaves[i].grad(), "no gradient reached input " + i);
                grads[i] = leaves[i].grad().toFloatArray();
            }
            return grads;
        }
    }

    private static float[] numeric(Function<Tensor[], Tensor> f, long seed, Tensor[] inputs, int which, double h) {
        Backend reference = ReferenceBackend.INSTANCE;
        return Backends.with(reference, () -> {
            try (Scope scope = Scope.open(); Autograd.NoGrad noGrad = Autograd.noGrad()) {
                Tensor[] xs = new Tensor[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    xs[i] = inputs[i].copy();
                }
                float[] x = xs[which].toFloatArray();
                float[] grad = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    float original = x[j];
                    xs[which].set((float) (original + h), unflatten(j, xs[which].dims()));
                    double plus = loss(f, seed, xs);
                    xs[which].set((float) (original - h), unflatten(j, xs[which].dims()));
                    double minus = loss(f, seed, xs);
                    xs[which].set(original, unflatten(j, xs[which].dims()));
                    grad[j] = (float) ((plus - minus) / (2 * h));
                }
                return grad;
            }
        });
    }

    private static double loss(Function<Tensor[], Tensor> f, long seed, Tensor[] xs) {
        try (Scope scope = Scope.open()) {
            Tensor y = f.apply(xs);
            float[] values = y.toFloatArray();
            float[] c = Tensor.randn(seed, y.dims()).toFloatArray();
            double sum = 0;
            for (int i = 0; i < values.length; i++) {
                sum += (double) values[i] * c[i];
            }
            return sum;
        }
    }

    private static long[] unflatten(long flat, long[] dims) {
        long[] index = new long[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            index[d] = flat % dims[d];
            flat /= dims[d];
        }
        return index;
    }

    private static void compare(String context, float[] expected, float[] actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            double bound = tol * (1 + Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(context + ": element " + i + " = " + actual[i] + ", expected " + expected[i] + " (tol " + tol + ")");
            }
        }
    }

    static Tensor randn(SplittableRandom random, long... shape) {
        return Tensor.randn(random.nextLong(), shape);
    }
}
