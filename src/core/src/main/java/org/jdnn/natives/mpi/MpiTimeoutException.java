package org.jdnn.natives.mpi;

import java.time.Duration;

/**
 * A collective did not complete within its deadline: a peer rank died, hangs, or never reached the same call.
 * The request stays outstanding (MPI cannot cancel a collective), so the only safe continuation is MPI_Abort.
 */
public final class MpiTimeoutException extends MpiException {
    public MpiTimeoutException(String operation, Duration timeout) {
        super(operation + " did not complete within " + timeout.toMillis() / 1000.0
                + " s: a peer rank died, hangs, or did not make the same call");
    }
}
