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
    GELU_ERF
}
