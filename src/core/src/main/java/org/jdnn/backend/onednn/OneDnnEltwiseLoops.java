package org.jdnn.backend.onednn;

import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The element-wise functions that run as Java loops on the oneDNN backend, where oneDNN's eltwise primitive has no
 * such function or computes its special values otherwise than PyTorch:
 * <ul>
 * <li>STEP (heaviside): the binary compare primitive writes 1 at NaN (its JIT compares "not x <= 0"), PyTorch 0;</li>
 * <li>SOFTPLUS: oneDNN's soft_relu has no threshold, and its left tail cancels (it gives -1.9e-6 for softplus(-20),
 * which is 2.06e-9);</li>
 * <li>the math functions (EXP and after, see {@link EltwiseAlgorithm}): each element in double with PyTorch's formula,
 * so NaN, the infinities and the kinks (clamp's bounds, pow's exponent 0) are exactly PyTorch's; oneDNN's log and pow
 * are a few ulps off and misread denormals, its clip_v2 backward masks the bounds otherwise.</li>
 * </ul>
 * Element i is read before it is written, so every loop runs in place. Counted as the eltwise kernel (no fallback).
 */
final class OneDnnEltwiseLoops {
    private OneDnnEltwiseLoops() {
    }

    /**
     * Whether {@code p} (forward or backward) runs here on {@code src} rather than on oneDNN's eltwise primitive. exp,
     * sqrt and SiLU (swish) run on the primitive, which matches the reference there to a few ulps, special values
     * included, but for exp of NaN (oneDNN gives +Inf): a tensor holding a NaN takes the loop. oneDNN's clip_v2 maps
     * NaN to a bound and refuses min > max, so clamp and hardtanh stay loops.
     */
    static boolean runs(EltwiseParams p, Tensor src) {
        return switch (p.algorithm()) {
            case STEP, SOFTPLUS -> true;
            case SQRT, SILU -> false;
            case EXP -> SpecialValues.anyNaN(src);
            default -> p.algorithm().isMath();
        };
    }

    static void forward(EltwiseParams p, Tensor src, Tensor dst) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment y = TensorAccess.segment(dst);
        long n = src.numel();
        float alpha = p.alpha(), beta = p.beta();
        switch (p.algorithm()) {
            case STEP -> {
                for (long i = 0; i < n; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    y.setAtIndex(JAVA_FLOAT, i, v > 0 ? 1f : v == 0 ? alpha : 0f); // NaN gives 0, as PyTorch's
                }
            }
            case SOFTPLUS -> {
                for (long i = 0; i < n; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    double z = (double) alpha * v;
                    y.setAtIndex(JAVA_FLOAT, i, (float) z > beta ? v
                            : (float) ((Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / alpha));
                }
            }
            case HARDTANH, CLAMP -> {
                for (long i = 0; i < n; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    float low = v < alpha ? alpha : v;
                    y.setAtIndex(JAVA_FLOAT, i, beta < low ? beta : low); // NaN compares false and stays NaN
                }
            }
            default -> {
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(JAVA_FLOAT, i, (float) value(p, x.getAtIndex(JAVA_FLOAT, i)));
                }
            }
        }
    }

    static void backward(EltwiseParams p, Tensor src, Tensor diffDst, Tensor diffSrc) {
        MemorySegment x = TensorAccess.segment(src);
        MemorySegment dy = TensorAccess.segment(diffDst);
        MemorySegment dx = TensorAccess.segment(diffSrc);
        long n = src.numel();
        float alpha = p.alpha(), beta = p.beta();
        switch (p.algorithm()) {
            case SOFTPLUS -> {
                for (long i = 0; i < n; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    double z = (double) alpha * v;
                    double d = (float) z > beta ? 1 : z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
                    dx.setAtIndex(JAVA_FLOAT, i, (float) (d * dy.getAtIndex(JAVA_FLOAT, i)));
                }
            }
            case HARDTANH -> {
                for (long i = 0; i < n; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    dx.setAtIndex(JAVA_FLOAT, i, v <= alpha || v >= beta ? 0f : dy.getAtIndex(JAVA_FLOAT, i));
                }
            }
            case CLAMP -> {
                for (long i = 0; i < n; i++) {
                    float v = x.getAtIndex(JAVA_FLOAT, i);
                    dx.setAtIndex(JAVA_FLOAT, i, v >= alpha && v <= beta ? dy.getAtIndex(JAVA_FLOAT, i) : 0f);
                }
            }
            default -> {
                for (long i = 0; i < n; i++) {
                    dx.setAtIndex(JAVA_FLOAT, i,
                            (float) gradient(p, x.getAtIndex(JAVA_FLOAT, i), dy.getAtIndex(JAVA_FLOAT, i)));
                }
            }
        }
    }

    private static double value(EltwiseParams p, double v) {
        return switch (p.algorithm()) {
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case LOG1P -> Math.log1p(v);
            case EXPM1 -> Math.expm1(v);
            case SQRT -> Math.sqrt(v);
            case RSQRT -> 1 / Math.sqrt(v);
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case SILU -> v / (1 + Math.exp(-v));
            case LOG_SIGMOID -> (v < 0 ? v : 0) - Math.log1p(Math.exp(-Math.abs(v)));
            case POW -> cPow(v, p.alpha());
            default -> throw new IllegalStateException("eltwise " + p.algorithm() + ": no loop forward");
        };
    }

    private static double gradient(EltwiseParams p, double v, double g) {
        return switch (p.algorithm()) {
            case EXP, EXPM1 -> g * Math.exp(v);
            case LOG -> g / v;
            case LOG1P -> g / (v + 1);
            case SQRT -> g / (2 * Math.sqrt(v));
            case RSQRT -> {
                double r = 1 / Math.sqrt(v);
                yield -0.5 * g * (r * r * r);
            }
            case SIN -> g * Math.cos(v);
            case COS -> g * -Math.sin(v);
            case SILU -> {
                double s = 1 / (1 + Math.exp(-v));
                yield g * s * (1 + v * (1 - s));
            }
            case LOG_SIGMOID -> {
                double z = Math.exp(-Math.abs(v));
                double q = z / (1 + z);
                yield g * (v < 0 ? 1 - q : q);
            }
            case POW -> p.alpha() == 0 ? 0 : g * (p.alpha() * cPow(v, p.alpha() - 1.0));
            default -> throw new IllegalStateException("eltwise " + p.algorithm() + ": no loop backward");
        };
    }

    /** C's pow, as PyTorch computes: 1^y = x^0 = (-1)^(+-Inf) = 1 even for NaN, where Java's Math.pow gives NaN. */
    private static double cPow(double x, double y) {
        return x == 1 || y == 0 || (x == -1 && Double.isInfinite(y)) ? 1 : Math.pow(x, y);
    }
}
