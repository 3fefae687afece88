package org.jdnn.testing;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;

import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Gradient checks for backward kernels: central finite differences and inner products in double. */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** {@code <a, b>} accumulated in double. */
    public static double dot(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        if (x.length != y.length) {
            throw new IllegalArgumentException("dot: " + a.shape() + " vs " + b.shape());
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += (double) x[i] * y[i];
        }
        return sum;
    }

    /**
     * Checks every element of {@code gradient} against the central difference of {@code loss} when the same
     * element of {@code param} moves by about {@code h} each way. The step actually taken is measured after
     * float rounding, so a loss that is linear in {@code param} has no truncation error and only the loss's
     * own rounding is left; the bound is {@code |fd - g| <= tolerance * (1 + |g|)}. A float64 {@code param} moves
     * in double (run the loss on the reference for a check in double, as {@code torch.autograd.gradcheck}).
     */
    public static void finiteDifferences(Tensor param, Tensor gradient, DoubleSupplier loss, double h,
                                         double tolerance, String context) {
        double[] g = gradient.toDoubleArray();
        boolean inDouble = param.dtype() == DType.FLOAT64;
        if (g.length != param.numel()) {
            fail(context + ": gradient " + gradient.shape() + " does not match parameter " + param.shape());
        }
        try (Tensor flat = param.reshape(param.numel())) {
            for (int i = 0; i < g.length; i++) {
                double original = flat.getDouble(i);
                // float32: the float sums the check always took; float64: in double.
                double plus = inDouble ? original + h : (float) original + (float) h;
                double minus = inDouble ? original - h : (float) original - (float) h;
                flat.setDouble(plus, i);
                double lossPlus = loss.getAsDouble();
                flat.setDouble(minus, i);
                double lossMinus = loss.getAsDouble();
                flat.setDouble(original, i);
                double fd = (lossPlus - lossMinus) / (plus - minus);
                if (!(Math.abs(fd - g[i]) <= tolerance * (1 + Math.abs(g[i])))) {
                    fail(String.format("%s: element %d of %s: analytic %s, finite difference %s (tolerance %.1e)",
                            context, i, param.shape(), g[i], fd, tolerance));
                }
            }
        }
    }
}
