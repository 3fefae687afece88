package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/** {@code x} for x > 0, {@code alpha * (exp(x) - 1)} otherwise (PyTorch's {@code nn.ELU}, default alpha 1). */
public class ELU extends Module {
    private final float alpha;

    public ELU() {
        this(1f);
    }

    public ELU(float alpha) {
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("ELU: alpha must be finite, got " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.elu(input, alpha);
    }

    public float alpha() {
        return alpha;
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + Repr.number(alpha);
    }
}
