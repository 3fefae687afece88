// Element-wise unary functions and their gradients, in double, written as the reference backend's
// Activations and ElementwiseMath read (same formulas, same operation order), so that NaN, the infinities and the
// kinks come out as there. Storage is float32 or float64; the float32 kernels round once, when they store.
#ifndef JDNN_ELTWISE_CUH
#define JDNN_ELTWISE_CUH

#include "jdnn_common.cuh"

// The codes of EltwiseAlgorithm, in its declaration order (CompiledKernels maps the Java constants to these).
enum jd_unary_op {
    JD_UNARY_RELU = 0,
    JD_UNARY_ELU = 1,
    JD_UNARY_SIGMOID = 2,
    JD_UNARY_TANH = 3,
    JD_UNARY_SOFTPLUS = 4,
    JD_UNARY_GELU_TANH = 5,
    JD_UNARY_GELU_ERF = 6,
    JD_UNARY_STEP = 7,
    JD_UNARY_EXP = 8,
    JD_UNARY_LOG = 9,
    JD_UNARY_LOG1P = 10,
    JD_UNARY_EXPM1 = 11,
    JD_UNARY_SQRT = 12,
    JD_UNARY_RSQRT = 13,
    JD_UNARY_SIN = 14,
    JD_UNARY_COS = 15,
    JD_UNARY_SILU = 16,
    JD_UNARY_LOG_SIGMOID = 17,
    JD_UNARY_HARDTANH = 18,
    JD_UNARY_CLAMP = 19,
    JD_UNARY_POW = 20
};

#define JD_SQRT_2_OVER_PI 0.7978845608028654    // Math.sqrt(2.0 / Math.PI), the same double
#define JD_GELU_CUBIC 0.044715
#define JD_SQRT_2 1.4142135623730951            // Math.sqrt(2)
#define JD_SQRT_2_PI 2.5066282746310002         // Math.sqrt(2 * Math.PI)

JD_HD double jd_sigmoid(double x) {
    return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
}

// log(1 + exp(z)) without overflow.
JD_HD double jd_softplus(double z) {
    return jd_java_max(z, 0) + log1p(exp(-fabs(z)));
}

// erf as the reference computes it: NaN at +-Inf (its continued fraction does not converge there; PyTorch gives +-1),
// so that GELU_ERF(+Inf) is NaN on every backend.
JD_HD double jd_reference_erf(double x) { return isinf(x) ? NAN : erf(x); }

// min(max(x, min), max) as C++'s std::min/std::max: NaN stays NaN, min > max gives max.
JD_HD double jd_clamp(double x, double lo, double hi) {
    double low = x < lo ? lo : x;
    return hi < low ? hi : low;
}

// C's pow as PyTorch uses it: 1 for x = 1 or y = 0 (NaN included) and for (-1)^(+-Inf).
JD_HD double jd_pow(double x, double y) {
    if (x == 1 || y == 0 || (x == -1 && isinf(y))) return 1;
    return pow(x, y);
}

// PyTorch's softplus threshold compares the float product beta x with the threshold.
JD_HD bool jd_softplus_linear(double x, float alpha, float beta) {
    return (float) ((double) alpha * x) > beta;
}

// f(x) for every jd_unary_op.
JD_HD double jd_unary(int op, double x, float alphaF, float betaF) {
    double alpha = alphaF;
    switch (op) {
        case JD_UNARY_RELU: return x > 0 || jd_isnan(x) ? x : alpha == 0 ? 0 : alpha * x;
        case JD_UNARY_ELU: return x > 0 ? x : alpha * expm1(x);
        case JD_UNARY_SIGMOID: return jd_sigmoid(x);
        case JD_UNARY_TANH: return tanh(x);
        case JD_UNARY_SOFTPLUS:
            return jd_softplus_linear(x, alphaF, betaF) ? x : jd_softplus(alpha * x) / alpha;
        case JD_UNARY_GELU_TANH:
            return 0.5 * x * (1 + tanh(JD_SQRT_2_OVER_PI * (x + JD_GELU_CUBIC * x * x * x)));
        case JD_UNARY_GELU_ERF: return 0.5 * x * (1 + jd_reference_erf(x / JD_SQRT_2));
        case JD_UNARY_STEP: return x > 0 ? 1 : x == 0 ? alpha : 0;
        case JD_UNARY_EXP: return exp(x);
        case JD_UNARY_LOG: return log(x);
        case JD_UNARY_LOG1P: return log1p(x);
        case JD_UNARY_EXPM1: return expm1(x);
        case JD_UNARY_SQRT: return sqrt(x);
        case JD_UNARY_RSQRT: return 1 / sqrt(x);
        case JD_UNARY_SIN: return sin(x);
        case JD_UNARY_COS: return cos(x);
        case JD_UNARY_SILU: return x / (1 + exp(-x));
        case JD_UNARY_LOG_SIGMOID: return jd_java_min(x, 0) - log1p(exp(-fabs(x)));
        case JD_UNARY_HARDTANH:
        case JD_UNARY_CLAMP: return jd_clamp(x, alpha, (double) betaF);
        case JD_UNARY_POW: return jd_pow(x, alpha);
        default: return NAN;
    }
}

// dy * f'(x), or PyTorch's masked form where it selects (relu, clamp, hardtanh, pow with exponent 0). STEP has no
// gradient: the op's shape rule rejects it before a kernel runs, and NaN marks it here.
JD_HD double jd_unary_gradient(int op, double x, double dy, float alphaF, float betaF) {
    double alpha = alphaF;
    double beta = betaF;
    switch (op) {
        case JD_UNARY_RELU:
            if (alpha == 0) return x <= 0 ? 0 : dy;  // threshold_backward selects: NaN or Inf dy at x <= 0 gives 0
            return (x > 0 ? 1 : alpha) * dy;
        case JD_UNARY_ELU: return (x <= 0 ? alpha * exp(x) : 1) * dy;
        case JD_UNARY_SIGMOID: return jd_sigmoid(x) * (1 - jd_sigmoid(x)) * dy;
        case JD_UNARY_TANH: return (1 - tanh(x) * tanh(x)) * dy;
        case JD_UNARY_SOFTPLUS:
            return (jd_softplus_linear(x, alphaF, betaF) ? 1 : jd_sigmoid(alpha * x)) * dy;
        case JD_UNARY_GELU_TANH: {
            double u = JD_SQRT_2_OVER_PI * (x + JD_GELU_CUBIC * x * x * x);
            double du = JD_SQRT_2_OVER_PI * (1 + 3 * JD_GELU_CUBIC * x * x);
            double t = tanh(u);
            return (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du) * dy;
        }
        case JD_UNARY_GELU_ERF:
            return (0.5 * (1 + jd_reference_erf(x / JD_SQRT_2)) + x * exp(-0.5 * x * x) / JD_SQRT_2_PI) * dy;
        case JD_UNARY_EXP:
        case JD_UNARY_EXPM1: return dy * exp(x);
        case JD_UNARY_LOG: return dy / x;
        case JD_UNARY_LOG1P: return dy / (x + 1);
        case JD_UNARY_SQRT: return dy / (2 * sqrt(x));
        case JD_UNARY_RSQRT: {
            double r = 1 / sqrt(x);
            return -0.5 * dy * (r * r * r);
        }
        case JD_UNARY_SIN: return dy * cos(x);
        case JD_UNARY_COS: return dy * -sin(x);
        case JD_UNARY_SILU: {
            double s = 1 / (1 + exp(-x));
            return dy * s * (1 + x * (1 - s));
        }
        case JD_UNARY_LOG_SIGMOID: {
            double z = exp(-fabs(x));  // log_sigmoid_backward: (x < 0) - sign * z / (1 + z)
            return x < 0 ? dy * (1 - z / (1 + z)) : dy * (z / (1 + z));
        }
        case JD_UNARY_HARDTANH: return x <= alpha || x >= beta ? 0 : dy;
        case JD_UNARY_CLAMP: return x >= alpha && x <= beta ? dy : 0;
        case JD_UNARY_POW: return alpha == 0 ? 0 : dy * (alpha * jd_pow(x, alpha - 1.0));
        default: return NAN;
    }
}

// EltwiseOps.LOG: max(log x, min), except that a NaN log (x < 0 or NaN) stays NaN.
JD_HD double jd_log_clamped(double x, float min) {
    double l = log(x);
    return l > min ? l : jd_isnan(l) ? l : (double) min;
}

// EltwiseOps.LOG_BACKWARD: dy / x where log x > min, NaN where the log is NaN, else 0; 1/x rounded to T first.
template <typename T> JD_HD double jd_log_clamped_gradient(double x, double dy, float min) {
    double l = log(x);
    double derivative = l > min ? jd_round<T>(1.0 / x) : jd_isnan(l) ? NAN : 0;
    return dy * derivative;
}

// SignOps: sign (0 at 0 and NaN) and abs (+0 at -0, NaN kept).
JD_HD double jd_sign(double x) { return (double) ((0 < x ? 1 : 0) - (x < 0 ? 1 : 0)); }
JD_HD double jd_abs(double x) { return x < 0 ? -x : x == 0 ? 0 : x; }

// One element of each unary kernel: the kernels and the host check run exactly these.
template <typename T> JD_HD void jd_unary_at(int op, float alpha, float beta, const T* x, T* y, int64_t i) {
    y[i] = (T) jd_unary(op, (double) x[i], alpha, beta);
}

template <typename T> JD_HD void jd_unary_backward_at(int op, float alpha, float beta, const T* x, const T* dy,
                                                     T* dx, int64_t i) {
    dx[i] = (T) jd_unary_gradient(op, (double) x[i], (double) dy[i], alpha, beta);
}

#endif
