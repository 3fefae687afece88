package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/** {@code x} for x >= 0, {@code negativeSlope * x} otherwise (PyTorch's {@code nn.LeakyReLU}, default slope 0.01). */
public class LeakyReLU extends Module {
    private final float negativeSlope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        if (!Float.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negative slope must be finite, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.leakyRelu(input, negativeSlope);
    }

    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + Repr.number(negativeSlope);
    }
}
