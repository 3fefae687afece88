package org.jdnn.train.search;

import org.jdnn.train.TrainingDivergedException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Trains one trial per point, in order, and records how each ended. After every epoch but the last the pruner may
 * stop a trial that is behind the completed ones; a trial whose training diverges is recorded as failed and the
 * search goes on. Trials are scored by their validation accuracy after the last epoch.
 *
 * @param epochs the epochs each trial trains
 * @param pruner decides which trials to stop early; {@code null} lets every trial finish
 */
public record HyperparameterSearch(int epochs, MedianPruner pruner) {
    public HyperparameterSearch {
        if (epochs < 1) {
            throw new IllegalArgumentException("HyperparameterSearch: epochs must be >= 1, got " + epochs);
        }
    }

    /** Follows a search as it goes (the command line prints a line per trial). */
    public interface Listener {
        void trialStarted(int number, int trials, Point point);

        void trialEnded(Trial trial);
    }

    /** Runs a trial for each of {@code points}; returns the trials in order. */
    public List<Trial> run(List<Point> points, TrialRunner runner, Listener listener) throws IOException {
        List<Trial> finished = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            int number = i + 1;
            Point point = points.get(i);
            listener.trialStarted(number, points.size(), point);
            List<Double> accuracies = new ArrayList<>();
            Trial trial;
            try {
                runner.run(number, point, (epoch, accuracy) -> {
                    if (epoch != accuracies.size() + 1) {
                        throw new IllegalStateException("trial " + number + ": epoch " + epoch + " reported after "
                                + accuracies.size() + " epochs");
                    }
                    accuracies.add(accuracy);
                    if (pruner != null && epoch < epochs) {
                        pruner.prune(epoch, accuracy, finished).ifPresent(reason -> {
                            throw new TrialPrunedException(reason);
                        });
                    }
                });
                trial = new Trial(number, point, accuracies, Trial.Status.COMPLETED, "");
            } catch (TrialPrunedException e) {
                trial = new Trial(number, point, accuracies, Trial.Status.PRUNED, e.getMessage());
            } catch (TrainingDivergedException e) {
                trial = new Trial(number, point, accuracies, Trial.Status.FAILED, e.getMessage());
            }
            finished.add(trial);
            listener.trialEnded(trial);
        }
        return finished;
    }

    /** The completed trial with the highest final validation accuracy (the first of equals), if any completed. */
    public static Optional<Trial> best(List<Trial> trials) {
        return trials.stream()
                .filter(t -> t.status() == Trial.Status.COMPLETED && !Double.isNaN(t.lastAccuracy()))
                .max(Comparator.comparingDouble(Trial::lastAccuracy)
                        .thenComparing(Comparator.comparingInt(Trial::number).reversed()));
    }
}
