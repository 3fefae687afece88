package org.jdnn.backend.reference;

import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;

/** The activation functions and their derivatives, in double, written as the formulas read. */
final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    private Activations() {
    }

    static double value(EltwiseParams p, double x) {
        double alpha = p.alpha();
        return switch (p.algorithm()) {
            // max(x, 0) is 0 at -Inf, not 0 * -Inf; NaN stays NaN (PyTorch's relu and leaky_relu).
            case RELU -> x > 0 || Double.isNaN(x) ? x : alpha == 0 ? 0 : alpha * x;
            case ELU -> x > 0 ? x : alpha * Math.expm1(x);
            case SIGMOID -> sigmoid(x);
            case TANH -> Math.tanh(x);
            // PyTorch's threshold is on the float product beta x; above it softplus is x.
            case SOFTPLUS -> (float) (alpha * x) > p.beta() ? x : softplus(alpha * x) / alpha;
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)));
            case GELU_ERF -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
            case STEP -> x > 0 ? 1 : x == 0 ? alpha : 0; // heaviside(x, alpha): NaN gives 0, as PyTorch's
            case EXP, LOG, LOG1P, EXPM1, SQRT, RSQRT, SIN, COS, SILU, LOG_SIGMOID, HARDTANH, CLAMP, POW ->
                    ElementwiseMath.value(p, x);
        };
    }

    /** d value / dx at x. At the ReLU kink (x = 0) the derivative is taken as alpha, as PyTorch does. */
    static double derivative(EltwiseParams p, double x) {
        double alpha = p.alpha();
        return switch (p.algorithm()) {
            // At NaN PyTorch's relu passes the gradient (x <= 0 is false) and leaky_relu scales it (x > 0 is false).
            case RELU -> alpha == 0 ? (x <= 0 ? 0 : 1) : (x > 0 ? 1 : alpha);
            case ELU -> x <= 0 ? alpha * Math.exp(x) : 1; // NaN passes the gradient, as PyTorch's elu_backward
            case SIGMOID -> sigmoid(x) * (1 - sigmoid(x));
            case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
            case SOFTPLUS -> (float) (alpha * x) > p.beta() ? 1 : sigmoid(alpha * x);
            case GELU_TANH -> {
                double u = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
                double du = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * x * x);
                double t = Math.tanh(u);
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
            }
            case GELU_ERF -> 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            // The eltwise_backward shape rule rejects STEP before any kernel runs; this only keeps the switch total.
            case STEP -> throw new IllegalArgumentException(EltwiseOps.STEP_NOT_DIFFERENTIABLE);
            // gradient(...) takes these; their derivative alone is the gradient for dy = 1.
            case EXP, LOG, LOG1P, EXPM1, SQRT, RSQRT, SIN, COS, SILU, LOG_SIGMOID, HARDTANH, CLAMP, POW ->
                    ElementwiseMath.gradient(p, x, 1);
        };
    }

    /** {@code dy * f'(x)}; the math functions as PyTorch writes their backward (some select rather than multiply). */
    static double gradient(EltwiseParams p, double x, double dy) {
        if (p.algorithm() == EltwiseAlgorithm.RELU && p.alpha() == 0) {
            return x <= 0 ? 0 : dy; // PyTorch's threshold_backward selects: a NaN or infinite dy at x <= 0 gives 0
        }
        return p.algorithm().isMath() ? ElementwiseMath.gradient(p, x, dy) : derivative(p, x) * dy;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** log(1 + exp(z)) without overflow. */
    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
