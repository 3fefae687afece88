package org.jdnn.functional;

import org.jdnn.tensor.Tensor;

/** A training batch-norm forward: the output and the batch mean and biased variance (C) its backward needs. */
public record BatchNormResult(Tensor output, Tensor mean, Tensor variance) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        mean.close();
        variance.close();
    }
}
