package org.jdnn.train.search;

import org.jdnn.train.TrainingDivergedException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search loop with a stand-in for training: each point's "lr" is the trial's accuracy after epoch 1, and each
 * further epoch adds 0.01; an lr of 0 diverges at epoch 2.
 */
class HyperparameterSearchTest {
    private final List<String> events = new ArrayList<>();

    private final HyperparameterSearch.Listener log = new HyperparameterSearch.Listener() {
        @Override
        public void trialStarted(int number, int trials, Point point) {
            events.add("start " + number + "/" + trials);
        }

        @Override
        public void trialEnded(Trial trial) {
            events.add(trial.status().label() + " " + trial.number() + " after " + trial.epochs());
        }
    };

    private final List<Integer> epochsTrained = new ArrayList<>();

    private final TrialRunner fake = (number, point, observer) -> {
        double first = point.number("lr");
        for (int epoch = 1; epoch <= 3; epoch++) {
            if (first == 0 && epoch == 2) {
                throw new TrainingDivergedException("training diverged: loss is NaN at epoch 2");
            }
            epochsTrained.add(epoch);
            observer.epochEnd(epoch, first + 0.01 * (epoch - 1));
        }
    };

    private static List<Point> points(double... lrs) {
        List<Point> points = new ArrayList<>();
        for (double lr : lrs) {
            points.add(new Point(Map.of("lr", lr)));
        }
        return points;
    }

    @Test
    void trialsBehindTheMedianStopAfterTheEpochTheyFellBehindIn() throws Exception {
        List<Trial> trials = new HyperparameterSearch(3, new MedianPruner(5))
                .run(points(0.5, 0.7, 0.6, 0.55, 0.65, 0.59, 0.8), fake, log);

        assertEquals(List.of(Trial.Status.COMPLETED, Trial.Status.COMPLETED, Trial.Status.COMPLETED,
                Trial.Status.COMPLETED, Trial.Status.COMPLETED, Trial.Status.PRUNED, Trial.Status.COMPLETED),
                trials.stream().map(Trial::status).toList());
        Trial pruned = trials.get(5);
        assertEquals(List.of(0.59), pruned.validationAccuracy(), "stopped after epoch 1");
        assertEquals("validation accuracy 59.00% after epoch 1 is below the median 60.00% of 5 completed trials",
                pruned.reason());
        assertEquals(5 * 3 + 1 + 3, epochsTrained.size(), "epochs trained in all");
        assertEquals(7, HyperparameterSearch.best(trials).orElseThrow().number());
        assertEquals(0.82, HyperparameterSearch.best(trials).orElseThrow().lastAccuracy(), 1e-12);
        assertEquals(List.of("start 1/7", "completed 1 after 3"), events.subList(0, 2));
        assertEquals("pruned 6 after 1", events.get(11));
    }

    @Test
    void aTrialIsNeverPrunedAfterItsLastEpoch() throws Exception {
        // epochs 1 and 2 are at the median; after epoch 3 it is below, but then it has finished
        TrialRunner late = (number, point, observer) -> {
            for (int epoch = 1; epoch <= 3; epoch++) {
                observer.epochEnd(epoch, epoch < 3 || point.number("lr") > 0.1 ? 0.5 : 0.1);
            }
        };
        List<Trial> trials = new HyperparameterSearch(3, new MedianPruner(2)).run(points(0.2, 0.2, 0.05), late, log);
        assertEquals(Trial.Status.COMPLETED, trials.get(2).status(), trials.toString());
        assertEquals(0.1, trials.get(2).lastAccuracy());
    }

    @Test
    void aDivergedTrialFailsAndTheSearchGoesOn() throws Exception {
        List<Trial> trials = new HyperparameterSearch(3, null).run(points(0.4, 0, 0.3), fake, log);
        assertEquals(Trial.Status.FAILED, trials.get(1).status());
        assertEquals(List.of(0.0), trials.get(1).validationAccuracy());
        assertEquals("training diverged: loss is NaN at epoch 2", trials.get(1).reason());
        assertEquals(Trial.Status.COMPLETED, trials.get(2).status());
        assertEquals(1, HyperparameterSearch.best(trials).orElseThrow().number());
    }

    @Test
    void withoutAPrunerEveryTrialFinishesAndEqualScoresPreferTheEarlierTrial() throws Exception {
        List<Trial> trials = new HyperparameterSearch(3, null).run(points(0.1, 0.9, 0.2, 0.3, 0.4, 0.05, 0.9), fake,
                log);
        assertTrue(trials.stream().allMatch(t -> t.status() == Trial.Status.COMPLETED), trials.toString());
        assertEquals(2, HyperparameterSearch.best(trials).orElseThrow().number());
    }

    @Test
    void noCompletedTrialMeansNoBest() throws Exception {
        List<Trial> trials = new HyperparameterSearch(3, null).run(points(0, 0), fake, log);
        assertTrue(HyperparameterSearch.best(trials).isEmpty());
    }
}
