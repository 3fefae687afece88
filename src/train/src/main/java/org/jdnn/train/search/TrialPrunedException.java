package org.jdnn.train.search;

import java.io.Serial;

/** Thrown from an epoch report to stop a trial the pruner gave up on; the message says why. */
public final class TrialPrunedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public TrialPrunedException(String reason) {
        super(reason);
    }
}
