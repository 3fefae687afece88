package org.jdnn.train.tensorboard;

import java.util.Map;
import java.util.function.Consumer;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.report.EpochRecord;

/**
 * Writes each epoch's metrics to an event file as TensorBoard scalars, with the epoch as the step: {@code loss/train},
 * {@code loss/validation}, {@code accuracy/train}, {@code accuracy/validation}, {@code learning_rate} and
 * {@code images_per_second}. Validation series are left out for epochs that did not measure them. Records are flushed
 * after every epoch, so that a running TensorBoard shows the epoch as soon as it ends.
 *
 * <p>Hook it into a {@link org.jdnn.train.Trainer} with {@code onEpochEnd(logger)}.
 */
public final class TensorBoardLogger implements Consumer<EpochRecord> {
    private final EventWriter writer;

    public TensorBoardLogger(EventWriter writer) {
        this.writer = writer;
    }

    @Override
    public void accept(EpochRecord record) {
        long step = record.epoch();
        writer.scalar("loss/train", step, (float) record.trainLoss());
        writer.scalar("accuracy/train", step, (float) record.trainAccuracy());
        if (!Double.isNaN(record.validationLoss())) {
            writer.scalar("loss/validation", step, (float) record.validationLoss());
        }
        if (!Double.isNaN(record.validationAccuracy())) {
            writer.scalar("accuracy/validation", step, (float) record.validationAccuracy());
        }
        writer.scalar("learning_rate", step, (float) record.learningRate());
        writer.scalar("images_per_second", step, (float) record.imagesPerSecond());
        writer.flush();
    }

    /**
     * A histogram of every parameter, tagged {@code weights/NAME}, at {@code step}. A tensor holding NaN or infinity
     * has no meaningful histogram and is left out (the loss series shows the divergence).
     */
    public void weights(long step, Map<String, Tensor> parameters) {
        for (Map.Entry<String, Tensor> entry : parameters.entrySet()) {
            float[] values = entry.getValue().toFloatArray();
            if (values.length > 0 && allFinite(values)) {
                writer.histogram("weights/" + entry.getKey(), step, values);
            }
        }
        writer.flush();
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
