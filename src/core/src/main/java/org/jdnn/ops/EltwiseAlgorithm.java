package org.jdnn.ops;

/** Element-wise functions: activations and math. {@code alpha}/{@code beta} meanings are listed per constant. */
public enum EltwiseAlgorithm {
    /** max(x, 0) + alpha * min(x, 0); alpha = 0 is ReLU, alpha > 0 leaky ReLU. */
    RELU,
    /** x if x > 0 else alpha * (exp(x) - 1). */
    ELU,
    /** 1 / (1 + exp(-x)). */
    SIGMOID,
    /** tanh(x). */
    TANH,
    /**
     * log(1 + exp(alpha x)) / alpha, and x where alpha x > beta (PyTorch's softplus(x, beta = alpha, threshold =
     * beta), default threshold 20); the left tail is not flushed to 0 where float32 can hold it.
     */
    SOFTPLUS,
    /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH,
    /** GELU, exact: 0.5 x (1 + erf(x / sqrt(2))). */
    GELU_ERF,
    /**
     * The Heaviside step, PyTorch's {@code heaviside(x, alpha)}: 1 for x > 0, alpha at x = 0 and -0, 0 below 0 and at
     * NaN (PyTorch's {@code x == 0 ? v : x > 0}). {@code F.step} is {@code heaviside(x, 1)}: 1 for x >= 0, the
     * perceptron's convention (it gave 0 at 0 before). Forward only: its derivative is 0 almost everywhere, so backward
     * throws IllegalArgumentException (PyTorch has no derivative for heaviside either).
     */
    STEP,

    // ---- element-wise math ----

    /** exp(x); derivative exp(x). */
    EXP,
    /** The plain natural log (no clamp, unlike the LOG op binary cross-entropy uses); derivative 1/x (infinite at 0). */
    LOG,
    /** log(1 + x), accurate near 0; derivative 1/(1 + x). */
    LOG1P,
    /** exp(x) - 1, accurate near 0; derivative exp(x). */
    EXPM1,
    /** sqrt(x); derivative 1/(2 sqrt(x)) (+Inf at 0). */
    SQRT,
    /** 1/sqrt(x); derivative -x^(-3/2)/2. */
    RSQRT,
    /** sin(x). */
    SIN,
    /** cos(x). */
    COS,
    /** x sigmoid(x) (SiLU, swish); PyTorch's formulas, so silu(-Inf) is NaN as there. */
    SILU,
    /** log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), stable for large |x|. */
    LOG_SIGMOID,
    /**
     * hardtanh: x clamped to [alpha, beta] (min_val, max_val); gradient 1 strictly inside only, 0 at and beyond the
     * bounds (PyTorch's hardtanh_backward); NaN stays NaN and passes the gradient.
     */
    HARDTANH,
    /**
     * clamp(x, alpha, beta) (min, max; -Inf/+Inf for an absent bound), NaN propagates; gradient 1 inside including at
     * the bounds, 0 outside and at NaN (PyTorch's clamp_backward). With alpha > beta every element is beta.
     */
    CLAMP,
    /**
     * x^alpha (C's pow: 1^y and x^0 are 1, NaN included); gradient alpha x^(alpha - 1), and 0 everywhere (even against
     * a NaN gradient) when alpha = 0, as PyTorch's pow_backward.
     */
    POW;

    /** Whether it is one of the element-wise math functions (EXP to POW), not an activation of the first group. */
    public boolean isMath() {
        return switch (this) {
            case EXP, LOG, LOG1P, EXPM1, SQRT, RSQRT, SIN, COS, SILU, LOG_SIGMOID, HARDTANH, CLAMP, POW -> true;
            default -> false;
        };
    }
}
