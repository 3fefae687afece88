package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Tensor;

/**
 * {@code log(1 + exp(beta x)) / beta}, a smooth ReLU, linear (x) where {@code beta x > threshold} (PyTorch's
 * {@code nn.Softplus}, default beta 1, threshold 20). Its left tail is not flushed to 0 where float32 holds it.
 */
public class Softplus extends Module {
    private final float beta;
    private final float threshold;

    public Softplus() {
        this(1f);
    }

    public Softplus(float beta) {
        this(beta, EltwiseParams.SOFTPLUS_THRESHOLD);
    }

    public Softplus(float beta, float threshold) {
        if (!(beta > 0) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("Softplus: beta must be finite and > 0, got " + beta);
        }
        if (Float.isNaN(threshold)) {
            throw new IllegalArgumentException("Softplus: threshold must be a number, got " + threshold);
        }
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.softplus(input, beta, threshold);
    }

    public float beta() {
        return beta;
    }

    public float threshold() {
        return threshold;
    }

    @Override
    protected String extraRepr() {
        return "beta=" + Repr.number(beta) + ", threshold=" + Repr.number(threshold);
    }
}
