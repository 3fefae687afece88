package org.jdnn.distributed;

import org.jdnn.data.DataLoader;
import org.jdnn.data.Dataset;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.Evaluation;
import org.jdnn.train.LossFunction;
import org.jdnn.train.Trainer;
import org.jdnn.train.report.ConfusionMatrix;

/**
 * Evaluation split over the ranks of a data-parallel job: each rank evaluates its {@linkplain #shard share} of a
 * validation or test set and {@link #combine} sums the shares, so N ranks evaluate N times faster and every rank gets
 * the result of the whole set — the same accuracy and confusion matrix as one process, the same mean loss to float32
 * rounding.
 */
public final class DistributedEvaluation {
    /** Counts travel as two floats, {@code count / 4096} and {@code count % 4096}: exact sums up to 2^36 samples. */
    private static final long SPLIT = 4096;

    private DistributedEvaluation() {
    }

    /**
     * This rank's share of {@code data}: rank r of W takes the samples {@code [r n / W, (r + 1) n / W)}, so every
     * sample is evaluated exactly once (no padding, unlike {@link DistributedSampler}) and shares differ by at most one.
     */
    public static Dataset shard(Dataset data, ProcessGroup group) {
        int n = data.size();
        int ranks = group.worldSize();
        int from = (int) ((long) n * group.rank() / ranks);
        int to = (int) ((long) n * (group.rank() + 1) / ranks);
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return data.subset(indices);
    }

    /**
     * Evaluates {@code model} on this rank's {@code share} (from {@link #shard}) and sums over the ranks. Rank 0's
     * batch-norm statistics are copied to every rank first, so all shares are evaluated by the same model.
     */
    public static Evaluation evaluate(DistributedDataParallel model, LossFunction loss, int classes, DataLoader share,
                                      ProcessGroup group) {
        model.synchronizeBuffers();
        return combine(Trainer.evaluate(model, loss, classes, share), group);
    }

    /** Sums the ranks' evaluations of their shares: losses weighted by samples, confusion counts added. */
    public static Evaluation combine(Evaluation local, ProcessGroup group) {
        int classes = local.confusion().classes();
        long[][] counts = local.confusion().counts();
        double lossSum = local.samples() == 0 ? 0 : local.loss() * local.samples();
        float high = (float) lossSum;
        // [loss high, loss low, samples (2 floats), counts (2 floats each)]
        float[] packed = new float[4 + 2 * classes * classes];
        packed[0] = high;
        packed[1] = (float) (lossSum - high);
        packCount(packed, 2, local.samples());
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                packCount(packed, 4 + 2 * (actual * classes + predicted), counts[actual][predicted]);
            }
        }
        float[] summed;
        try (Tensor sums = Tensor.of(packed, packed.length)) {
            group.allReduceSum(sums);
            summed = sums.toFloatArray();
        }
        long samples = unpackCount(summed, 2);
        ConfusionMatrix confusion = new ConfusionMatrix(classes);
        long correct = 0;
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                long count = unpackCount(summed, 4 + 2 * (actual * classes + predicted));
                confusion.add(actual, predicted, count);
                if (actual == predicted) {
                    correct += count;
                }
            }
        }
        double loss = samples == 0 ? Double.NaN : ((double) summed[0] + summed[1]) / samples;
        double accuracy = samples == 0 ? Double.NaN : (double) correct / samples;
        return new Evaluation(loss, accuracy, samples, confusion);
    }

    private static void packCount(float[] packed, int at, long count) {
        packed[at] = count / SPLIT;
        packed[at + 1] = count % SPLIT;
    }

    private static long unpackCount(float[] packed, int at) {
        return (long) packed[at] * SPLIT + (long) packed[at + 1];
    }
}
