package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

/**
 * {@code log(1 + exp(beta x)) / beta}, a smooth ReLU (PyTorch's {@code nn.Softplus}, default beta 1). Unlike
 * PyTorch there is no linear threshold: the kernels compute the stable form for every input.
 */
public class Softplus extends Module {
    private final float beta;

    public Softplus() {
        this(1f);
    }

    public Softplus(float beta) {
        if (!(beta > 0) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("Softplus: beta must be finite and > 0, got " + beta);
        }
        this.beta = beta;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.softplus(input, beta);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + Repr.number(beta);
    }
}
