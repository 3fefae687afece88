package org.jdnn.testing;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference checks of backward kernels: the directional derivative of {@code L(x) = <c, f(x)>} along
 * each input element, by central differences of the float forward computed with double sums, against the
 * analytic gradient {@code J^T c}. A float64 {@code x} is perturbed and read back in double (the forward then runs in
 * float64, on the reference), as {@code torch.autograd.gradcheck} checks in double.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * Asserts that {@code analytic} (the backward kernel's J^T c at {@code x}) matches central differences of
     * {@code <c, forward(x)>} with step {@code eps}, within {@code atol + rtol |numeric|} per element.
     */
    public static void check(Function<Tensor, Tensor> forward, Tensor x, Tensor c, Tensor analytic, double eps,
                             double rtol, double atol, String context) {
        if (x.dtype() == DType.FLOAT64) {
            checkInDouble(forward, x, c, analytic, eps, rtol, atol, context);
            return;
        }
        float[] base = x.toFloatArray();
        float[] grad = analytic.toFloatArray();
        float[] weights = c.toFloatArray();
        for (int i = 0; i < base.length; i++) {
            double plus = perturbed(forward, x, base, i, (float) (base[i] + eps), weights);
            double minus = perturbed(forward, x, base, i, (float) (base[i] - eps), weights);
            // The float steps actually taken, not the nominal 2 eps.
            double step = (double) (float) (base[i] + eps) - (double) (float) (base[i] - eps);
            double numeric = (plus - minus) / step;
            if (!(Math.abs(numeric - grad[i]) <= atol + rtol * Math.abs(numeric))) {
                fail(String.format("%s: d/dx[%d] analytic %s, numeric %s (eps %.1e)", context, i, grad[i], numeric, eps));
            }
        }
    }

    private static void checkInDouble(Function<Tensor, Tensor> forward, Tensor x, Tensor c, Tensor analytic,
                                      double eps, double rtol, double atol, String context) {
        double[] base = x.toDoubleArray();
        double[] grad = analytic.toDoubleArray();
        double[] weights = c.toDoubleArray();
        for (int i = 0; i < base.length; i++) {
            double[] values = base.clone();
            values[i] = base[i] + eps;
            double plus = weighted(forward, Tensor.ofDoubles(values, x.dims()), weights);
            values[i] = base[i] - eps;
            double minus = weighted(forward, Tensor.ofDoubles(values, x.dims()), weights);
            double numeric = (plus - minus) / (2 * eps);
            if (!(Math.abs(numeric - grad[i]) <= atol + rtol * Math.abs(numeric))) {
                fail(String.format("%s: d/dx[%d] analytic %s, numeric %s (eps %.1e, in double)", context, i, grad[i],
                        numeric, eps));
            }
        }
    }

    /** {@code <weights, forward(input)>} in double; closes {@code input}. */
    private static double weighted(Function<Tensor, Tensor> forward, Tensor input, double[] weights) {
        try (input; Tensor out = forward.apply(input)) {
            double[] y = out.toDoubleArray();
            double sum = 0;
            for (int j = 0; j < y.length; j++) {
                sum += weights[j] * y[j];
            }
            return sum;
        }
    }

    private static double perturbed(Function<Tensor, Tensor> forward, Tensor x, float[] base, int i, float value,
                                    float[] weights) {
        float[] values = base.clone();
        values[i] = value;
        try (Tensor input = Tensor.of(values, x.dims()); Tensor out = forward.apply(input)) {
            float[] y = out.toFloatArray();
            double sum = 0;
            for (int j = 0; j < y.length; j++) {
                sum += (double) weights[j] * y[j];
            }
            return sum;
        }
    }

    /** {@code <a, b>} in double. */
    public static double dot(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        if (x.length != y.length) {
            fail("dot: lengths " + x.length + " and " + y.length);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += (double) x[i] * y[i];
        }
        return sum;
    }
}
