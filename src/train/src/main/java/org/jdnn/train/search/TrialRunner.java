package org.jdnn.train.search;

import java.io.IOException;

/** Trains one trial of a search; how (which model, which data) is up to the implementation. */
@FunctionalInterface
public interface TrialRunner {
    /**
     * Trains trial {@code number} (from 1) at {@code point}, reporting the validation accuracy after every epoch to
     * {@code observer}. A report may throw {@link TrialPrunedException}, which must reach the caller: it stops the trial. A
     * {@link org.jdnn.train.TrainingDivergedException} marks the trial failed; any other exception ends the search.
     */
    void run(int number, Point point, EpochObserver observer) throws IOException;

    /** Receives a trial's validation accuracy (a fraction in [0, 1]) after each epoch. */
    @FunctionalInterface
    interface EpochObserver {
        void epochEnd(int epoch, double validationAccuracy);
    }
}
