package org.jdnn.train.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The median pruner's decisions on hand-made histories. */
class MedianPrunerTest {
    private static Trial trial(int number, Trial.Status status, double... accuracies) {
        List<Double> values = new ArrayList<>();
        for (double a : accuracies) {
            values.add(a);
        }
        return new Trial(number, new Point(Map.of("lr", 0.1 * number)), values, status, "");
    }

    /** Five completed trials; after epoch 1 their median is 0.60, after epoch 2 it is 0.70. */
    private static List<Trial> fiveCompleted() {
        return List.of(
                trial(1, Trial.Status.COMPLETED, 0.50, 0.60, 0.65),
                trial(2, Trial.Status.COMPLETED, 0.70, 0.80, 0.82),
                trial(3, Trial.Status.COMPLETED, 0.60, 0.70, 0.75),
                trial(4, Trial.Status.COMPLETED, 0.55, 0.65, 0.70),
                trial(5, Trial.Status.COMPLETED, 0.65, 0.75, 0.80));
    }

    @Test
    void aTrialBelowTheMedianOfTheCompletedOnesAtTheSameEpochIsStopped() {
        MedianPruner pruner = new MedianPruner(5);
        Optional<String> reason = pruner.prune(1, 0.59, fiveCompleted());
        assertEquals(Optional.of("validation accuracy 59.00% after epoch 1 is below the median 60.00% of 5 completed "
                + "trials"), reason);
        assertTrue(pruner.prune(2, 0.69, fiveCompleted()).isPresent(), "epoch 2 median is 0.70");
    }

    @Test
    void aTrialAtOrAboveTheMedianGoesOn() {
        MedianPruner pruner = new MedianPruner(5);
        assertEquals(Optional.empty(), pruner.prune(1, 0.60, fiveCompleted()));
        assertEquals(Optional.empty(), pruner.prune(2, 0.75, fiveCompleted()));
    }

    @Test
    void nothingIsStoppedBeforeEnoughTrialsCompleted() {
        List<Trial> finished = new ArrayList<>(fiveCompleted().subList(0, 4));
        finished.add(trial(5, Trial.Status.PRUNED, 0.90));
        finished.add(trial(6, Trial.Status.FAILED));
        assertEquals(Optional.empty(), new MedianPruner(5).prune(1, 0.01, finished),
                "4 completed (pruned and failed trials do not count)");
        assertTrue(new MedianPruner(4).prune(1, 0.01, finished).isPresent());
    }

    @Test
    void prunedTrialsDoNotMoveTheMedian() {
        List<Trial> finished = new ArrayList<>(fiveCompleted());
        finished.add(trial(6, Trial.Status.PRUNED, 0.10));
        finished.add(trial(7, Trial.Status.PRUNED, 0.10));
        assertTrue(new MedianPruner(5).prune(1, 0.59, finished).isPresent(), "median stays 0.60");
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwoAndNaNIsStopped() {
        assertEquals(0.625, MedianPruner.median(List.of(0.5, 0.6, 0.65, 0.7)), 1e-12);
        List<Trial> six = new ArrayList<>(fiveCompleted());
        six.add(trial(6, Trial.Status.COMPLETED, 0.62, 0.7, 0.7));
        assertTrue(new MedianPruner(5).prune(1, 0.6099, six).isPresent(), "median of six is 0.61");
        assertEquals(Optional.empty(), new MedianPruner(5).prune(1, 0.61, six));
        assertTrue(new MedianPruner(5).prune(1, Double.NaN, six).isPresent());
    }

    @Test
    void minCompletedMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new MedianPruner(0));
    }
}
