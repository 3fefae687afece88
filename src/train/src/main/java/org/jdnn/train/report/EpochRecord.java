package org.jdnn.train.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * What one epoch of training measured. Accuracies are fractions in [0, 1]; a value that was not measured (no
 * validation set, say) is {@code NaN}.
 *
 * @param epoch              the epoch number, from 1
 * @param trainLoss          mean training loss over the epoch's samples
 * @param trainAccuracy      training accuracy over the epoch
 * @param validationLoss     mean validation loss after the epoch (NaN when not measured)
 * @param validationAccuracy validation accuracy after the epoch (NaN when not measured)
 * @param learningRate       the learning rate the epoch used (its last value when a schedule changes it per step)
 * @param seconds            wall-clock seconds the epoch took
 * @param imagesPerSecond    training samples per second over the epoch
 */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                          double validationAccuracy, double learningRate, double seconds, double imagesPerSecond) {
    /** Validates the epoch number and that durations and rates are not negative. */
    public EpochRecord {
        if (epoch < 1) {
            throw new IllegalArgumentException("EpochRecord: epoch must be >= 1, got " + epoch);
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("EpochRecord: seconds must be >= 0, got " + seconds + " (epoch " + epoch + ")");
        }
        if (imagesPerSecond < 0) {
            throw new IllegalArgumentException("EpochRecord: imagesPerSecond must be >= 0, got " + imagesPerSecond + " (epoch " + epoch + ")");
        }
    }

    /**
     * A one-line summary for the console, e.g.
     * {@code epoch 3/10 train loss 0.3123 acc 88.51% | val loss 0.3350 acc 87.90% | lr 0.001 | 12.4 s 4838 img/s};
     * the validation part is left out when it was not measured.
     */
    public String summary(int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d train loss %.4f acc %.2f%%",
                epoch, epochs, trainLoss, 100 * trainAccuracy));
        if (hasValidation()) {
            sb.append(String.format(Locale.ROOT, " | val loss %.4f acc %.2f%%", validationLoss, 100 * validationAccuracy));
        }
        sb.append(" | lr ").append(shortNumber(learningRate));
        sb.append(String.format(Locale.ROOT, " | %.1f s %.0f img/s", seconds, imagesPerSecond));
        return sb.toString();
    }

    /** Three significant digits without trailing zeros: 0.001, 3e-4 as 0.0003, 1.25E-7. */
    private static String shortNumber(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toString();
    }

    /** Whether validation loss or accuracy was measured. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss) || !Double.isNaN(validationAccuracy);
    }
}
