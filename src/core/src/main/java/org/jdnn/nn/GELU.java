package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/**
 * The Gaussian error linear unit {@code x * Phi(x)}, PyTorch's {@code nn.GELU}: exact (erf) by default, or the
 * tanh approximation with {@code approximate = "tanh"}.
 */
public class GELU extends Module {
    private final boolean tanh;

    public GELU() {
        this("none");
    }

    /** {@code "none"} (exact) or {@code "tanh"}, as PyTorch. */
    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("GELU: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        this.tanh = "tanh".equals(approximate);
    }

    @Override
    public Tensor forward(Tensor input) {
        return tanh ? F.geluTanh(input) : F.gelu(input);
    }

    /** {@code "none"} (exact) or {@code "tanh"}. */
    public String approximate() {
        return tanh ? "tanh" : "none";
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + (tanh ? "tanh" : "none") + "'";
    }
}
