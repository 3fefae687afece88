package org.jdnn.train;

/** Training produced a NaN or infinite loss; the message names the epoch and batch where it happened. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
