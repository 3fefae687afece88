package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.tensor.Tensor;

/**
 * Batch normalisation over the channel dimension (PyTorch's {@code _BatchNorm}): in training it normalises
 * with the batch statistics and folds them into the running mean and variance (buffers {@code running_mean},
 * {@code running_var}) with {@code momentum}; in evaluation it normalises with the running statistics. With
 * {@code affine}, a learned per-channel scale {@code weight} (initialised to 1) and shift {@code bias} (0)
 * follow. Subclasses fix the input rank.
 */
public abstract class BatchNorm extends Module {
    private final long numFeatures;
    private final BatchNormParams params;
    private final boolean affine;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;

    protected BatchNorm(long numFeatures, float eps, float momentum, boolean affine) {
        if (numFeatures < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": num_features must be >= 1, got " + numFeatures);
        }
        this.numFeatures = numFeatures;
        this.params = new BatchNormParams(eps, momentum);
        this.affine = affine;
        this.weight = affine ? registerParameter("weight", () -> Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", () -> Tensor.zeros(numFeatures)) : null;
        this.runningMean = registerBuffer("running_mean", () -> Tensor.zeros(numFeatures));
        this.runningVar = registerBuffer("running_var", () -> Tensor.ones(numFeatures));
    }

    /** Normalises (N, C) or (N, C, H, W) input whose channel count was checked by the subclass. */
    protected final Tensor normalize(Tensor input) {
        if (input.rank() < 2 || input.size(1) != numFeatures) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input channels (dimension 1) must be "
                    + "num_features " + numFeatures + ", got input shape " + input.shape());
        }
        return F.batchNorm(input, runningMean, runningVar, weight, bias, isTraining(), params);
    }

    public long numFeatures() {
        return numFeatures;
    }

    public BatchNormParams params() {
        return params;
    }

    /** The scale, or null without {@code affine}. */
    public Tensor weight() {
        return weight;
    }

    /** The shift, or null without {@code affine}. */
    public Tensor bias() {
        return bias;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.number(params.epsilon()) + ", momentum=" + Repr.number(params.momentum())
                + ", affine=" + Repr.bool(affine) + ", track_running_stats=True";
    }
}
