package org.jdnn.train.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Stops a trial whose validation accuracy after epoch e is below the median of the completed trials' accuracies
 * after the same epoch, once at least {@code minCompleted} trials have completed (too few and the median says
 * little). Pruned and failed trials never count towards the median.
 */
public record MedianPruner(int minCompleted) {
    /** The default: decisions start after 5 completed trials. */
    public static final int DEFAULT_MIN_COMPLETED = 5;

    public MedianPruner {
        if (minCompleted < 1) {
            throw new IllegalArgumentException("MedianPruner: minCompleted must be >= 1, got " + minCompleted);
        }
    }

    /**
     * Why the trial with {@code accuracy} after {@code epoch} should stop, or empty to let it go on.
     *
     * @param finished the trials that ended so far (every status)
     */
    public Optional<String> prune(int epoch, double accuracy, List<Trial> finished) {
        List<Double> completed = new ArrayList<>();
        for (Trial t : finished) {
            if (t.status() == Trial.Status.COMPLETED && t.epochs() >= epoch) {
                completed.add(t.validationAccuracy().get(epoch - 1));
            }
        }
        if (completed.size() < minCompleted) {
            return Optional.empty();
        }
        double median = median(completed);
        if (accuracy < median || Double.isNaN(accuracy)) {
            return Optional.of(String.format(Locale.ROOT, "validation accuracy %.2f%% after epoch %d is below the "
                    + "median %.2f%% of %d completed trials", 100 * accuracy, epoch, 100 * median, completed.size()));
        }
        return Optional.empty();
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
