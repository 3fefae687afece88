package org.jdnn.train.checkpoint;

import java.io.IOException;

/**
 * A checkpoint file that exists but cannot be trusted: truncated, corrupt, a malformed header, an
 * unsupported dtype, inconsistent shapes and offsets, a checksum mismatch. The message names the file and
 * the problem.
 */
public class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
