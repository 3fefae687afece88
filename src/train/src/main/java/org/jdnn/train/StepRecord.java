package org.jdnn.train;

import java.util.List;

/**
 * One training step as a {@link StepListener} sees it, after the optimizer step.
 *
 * @param step         the global step: steps count from 1 across epochs, one per batch, so that a resumed run goes
 *                     on where it stopped ({@code (epoch - 1) * batchesPerEpoch + batch})
 * @param epoch        the epoch, from 1
 * @param batch        the batch within the epoch, from 1
 * @param batches      the batches per epoch
 * @param batchSize    the samples in this batch
 * @param loss         the batch's loss, as training computed it (the value already read for the epoch's mean)
 * @param learningRate the learning rate of this step
 * @param seconds      wall time since the previous step's listeners returned (or the epoch began): loading the
 *                     batch, forward, backward, the optimizer step and any gradient-health check
 * @param norms        the per-layer gradient and weight norms measured at this step, after backward and before
 *                     gradient clipping and the optimizer step, in parameter order; empty unless gradient health
 *                     checked this step or a listener {@linkplain StepListener#wantsNorms asked} for them
 */
public record StepRecord(long step, int epoch, int batch, int batches, int batchSize, double loss,
                         double learningRate, double seconds, List<GradientHealth.LayerNorms> norms) {
    public StepRecord {
        norms = List.copyOf(norms);
    }

    /** The training throughput of this step. */
    public double imagesPerSecond() {
        return batchSize / seconds;
    }

    /** Whether this is the epoch's last step. */
    public boolean endsEpoch() {
        return batch == batches;
    }
}
