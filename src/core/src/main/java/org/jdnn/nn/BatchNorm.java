package org.jdnn.nn;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Batch normalisation over the channel dimension (PyTorch's {@code _BatchNorm}): in training it normalises
 * with the batch statistics and folds them into the running mean and variance (buffers {@code running_mean},
 * {@code running_var}) with {@code momentum}; in evaluation it normalises with the running statistics. With
 * {@code affine}, a learned per-channel scale {@code weight} (initialised to 1) and shift {@code bias} (0)
 * follow. Subclasses fix the input rank.
 *
 * <p>With {@link #synchronizeStatistics} (PyTorch's {@code SyncBatchNorm}), training uses the statistics of the
 * global batch, summed over the processes of a data-parallel job, and the gradient flows through those sums.
 */
public abstract class BatchNorm extends Module {
    private final long numFeatures;
    private final BatchNormParams params;
    private final boolean affine;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private StatisticsReduction reduction;

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
        if (reduction != null && isTraining()) {
            return normalizeOverAllProcesses(input);
        }
        return F.batchNorm(input, runningMean, runningVar, weight, bias, isTraining(), params);
    }

    /**
     * From now on, training normalises with the statistics of the global batch: the per-channel sums over this
     * process's batch are summed over every process with {@code reduction} (PyTorch's {@code SyncBatchNorm}), and so
     * are their gradients in backward. Evaluation is unchanged (running statistics). {@code null} turns it off.
     * Parameter and buffer names stay as they are, so checkpoints load into either form.
     */
    public final void synchronizeStatistics(StatisticsReduction reduction) {
        this.reduction = reduction;
    }

    /** Whether {@link #synchronizeStatistics} is on. */
    public final boolean synchronizesStatistics() {
        return reduction != null;
    }

    /**
     * Batch norm with global statistics, from differentiable ops: the mean from the summed channel sums, then the
     * biased variance from the summed squared deviations (two passes, as exact as the one-process kernel's), each
     * reduction recorded so that backward sums the gradient over the processes too. A process's count may differ
     * (a last, smaller batch): the counts are summed as well. The running statistics take the unbiased variance.
     */
    private Tensor normalizeOverAllProcesses(Tensor input) {
        int[] dims = IntStream.range(0, input.rank()).filter(d -> d != 1).toArray();
        long[] channelShape = new long[input.rank()];
        Arrays.fill(channelShape, 1);
        channelShape[1] = numFeatures;
        float count;
        try (Tensor counts = Tensor.of(new float[] {input.numel() / numFeatures}, 1)) {
            reduction.allReduceSum(counts);
            count = counts.item();
        }
        if (count <= 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected more than 1 value per channel "
                    + "over all processes when training, got input shape " + input.shape() + " (" + count + " in all)");
        }
        Tensor mean = summedOverProcesses(input.sum(dims, false)).div(count);
        Tensor centred = input.sub(mean.reshape(channelShape));
        Tensor variance = summedOverProcesses(centred.mul(centred).sum(dims, false)).div(count);
        Tensor normalized = centred.mul(variance.add(params.epsilon()).rsqrt().reshape(channelShape));
        try (var noGrad = Autograd.noGrad()) {
            float m = params.momentum();
            runningMean.copyFrom(runningMean.mul(1 - m).add(mean.detach().mul(m)));
            runningVar.copyFrom(runningVar.mul(1 - m).add(variance.detach().mul(m * count / (count - 1))));
        }
        return affine ? normalized.mul(weight.reshape(channelShape)).add(bias.reshape(channelShape)) : normalized;
    }

    /** {@code local} summed over every process, with the same sum of gradients recorded for backward. */
    private Tensor summedOverProcesses(Tensor local) {
        Tensor total = local.detach().copy();
        reduction.allReduceSum(total);
        return Autograd.record("all_reduce_sum", total, (gradient, needs) -> {
            Tensor summed = gradient.copy();
            reduction.allReduceSum(summed);
            return new Tensor[] {summed};
        }, local);
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
