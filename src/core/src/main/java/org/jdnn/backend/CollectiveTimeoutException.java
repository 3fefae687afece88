package org.jdnn.backend;

/**
 * A collective did not complete within its timeout: a peer died, hangs or never joined. The message names the
 * operation, the rank and the timeout. The communicator is unusable afterwards; the process group ends the job.
 */
public final class CollectiveTimeoutException extends RuntimeException {
    public CollectiveTimeoutException(String message) {
        super(message);
    }
}
