package org.jdnn.backend.reference;

import org.jdnn.ops.EltwiseParams;

/**
 * The element-wise math functions of {@link org.jdnn.ops.EltwiseAlgorithm} (EXP and after) and their gradients, in
 * double, written as PyTorch's formulas (derivatives.yaml), so that NaN, the infinities and the kinks come out as there.
 */
final class ElementwiseMath {
    private ElementwiseMath() {
    }

    static double value(EltwiseParams p, double x) {
        return switch (p.algorithm()) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case SILU -> x / (1 + Math.exp(-x));
            case LOG_SIGMOID -> Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
            case HARDTANH, CLAMP -> clamp(x, p.alpha(), p.beta());
            case POW -> pow(x, p.alpha());
            default -> throw new IllegalStateException("eltwise " + p.algorithm() + ": not a math function");
        };
    }

    /** {@code dy * f'(x)}, or PyTorch's masked form where it selects (clamp, hardtanh, pow with exponent 0). */
    static double gradient(EltwiseParams p, double x, double dy) {
        return switch (p.algorithm()) {
            case EXP, EXPM1 -> dy * Math.exp(x);
            case LOG -> dy / x;
            case LOG1P -> dy / (x + 1);
            case SQRT -> dy / (2 * Math.sqrt(x));
            case RSQRT -> {
                double r = 1 / Math.sqrt(x);
                yield -0.5 * dy * (r * r * r);
            }
            case SIN -> dy * Math.cos(x);
            case COS -> dy * -Math.sin(x);
            case SILU -> {
                double s = 1 / (1 + Math.exp(-x));
                yield dy * s * (1 + x * (1 - s));
            }
            case LOG_SIGMOID -> {
                // PyTorch's log_sigmoid_backward: d/dx = (x < 0) - sign * z / (1 + z), z = exp(-|x|).
                double z = Math.exp(-Math.abs(x));
                yield x < 0 ? dy * (1 - z / (1 + z)) : dy * (z / (1 + z));
            }
            case HARDTANH -> x <= p.alpha() || x >= p.beta() ? 0 : dy;
            case CLAMP -> x >= p.alpha() && x <= p.beta() ? dy : 0;
            case POW -> p.alpha() == 0 ? 0 : dy * (p.alpha() * pow(x, p.alpha() - 1.0));
            default -> throw new IllegalStateException("eltwise " + p.algorithm() + ": not a math function");
        };
    }

    /** min(max(x, min), max) as C++'s std::min/std::max: NaN stays NaN, min > max gives max. */
    static double clamp(double x, double min, double max) {
        double low = x < min ? min : x;
        return max < low ? max : low;
    }

    /** C's pow (as PyTorch's): 1 for x = 1 or y = 0 (NaN included) and for (-1)^(+-Inf); else Java's. */
    static double pow(double x, double y) {
        if (x == 1 || y == 0 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return Math.pow(x, y);
    }
}
