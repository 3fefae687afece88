package org.jdnn.ops;

/** Element-wise activation functions. {@code alpha}/{@code beta} meanings are listed per constant. */
public enum EltwiseAlgorithm {
    /** max(x, 0) + alpha * min(x, 0); alpha = 0 is ReLU, alpha > 0 leaky ReLU. */
    RELU,
    /** x if x > 0 else alpha * (exp(x) - 1). */
    ELU,
    /** 1 / (1 + exp(-x)). */
    SIGMOID,
    /** tanh(x). */
    TANH,
    /** log(1 + exp(alpha * x)) / alpha (PyTorch's Softplus with beta = alpha). */
    SOFTPLUS,
    /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH,
    /** GELU, exact: 0.5 x (1 + erf(x / sqrt(2))). */
    GELU_ERF,
    /**
     * The hard step (Heaviside) of a perceptron: 1 if x > 0 else 0, so 0 at x = 0 and at -0; alpha is unused.
     * A NaN input gives 0 or 1 depending on the backend (the reference says 0; oneDNN's vectorised compare is
     * "not x <= 0" and says 1). Forward only: its derivative is 0 almost everywhere, so backward throws
     * IllegalArgumentException.
     */
    STEP
}
