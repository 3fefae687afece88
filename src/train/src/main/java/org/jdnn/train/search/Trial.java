package org.jdnn.train.search;

import java.util.List;

/**
 * One trial of a search: its number (from 1), its hyper-parameters, the validation accuracy after each epoch it
 * trained (fractions in [0, 1]), how it ended and why (empty when it completed).
 */
public record Trial(int number, Point point, List<Double> validationAccuracy, Status status, String reason) {
    /** How a trial ended. */
    public enum Status {
        /** Trained every epoch; its score counts. */
        COMPLETED,
        /** Stopped by the pruner: it was behind the completed trials. */
        PRUNED,
        /** Training diverged (the loss became NaN or infinite). */
        FAILED;

        /** The lower-case name the CSV and the console use. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Trial {
        validationAccuracy = List.copyOf(validationAccuracy);
    }

    /** The validation accuracy after its last epoch: its score when it completed (NaN when it trained no epoch). */
    public double lastAccuracy() {
        return validationAccuracy.isEmpty() ? Double.NaN : validationAccuracy.getLast();
    }

    /** The number of epochs it trained. */
    public int epochs() {
        return validationAccuracy.size();
    }
}
