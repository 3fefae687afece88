package org.jdnn.backend.cuda;

import java.util.List;

/**
 * An NCCL call returned an error: the message names the call, the status (its enum name and code), NCCL's
 * description (ncclGetErrorString) and, when NCCL recorded one, the detail of ncclGetLastError.
 */
public final class NcclException extends RuntimeException {
    /** ncclResult_t's names, by value (nccl.h 2.30). */
    static final List<String> STATUS_NAMES = List.of("ncclSuccess", "ncclUnhandledCudaError", "ncclSystemError",
            "ncclInternalError", "ncclInvalidArgument", "ncclInvalidUsage", "ncclRemoteError", "ncclInProgress",
            "ncclTimeout");

    private final int status;

    NcclException(String call, int status, String description, String lastError) {
        super(call + ": " + statusName(status) + " (" + status + ")"
                + (description == null || description.isBlank() ? "" : ", " + description)
                + (lastError == null || lastError.isBlank() ? "" : ": " + lastError));
        this.status = status;
    }

    /** The raw ncclResult_t. */
    public int status() {
        return status;
    }

    static String statusName(int status) {
        return status >= 0 && status < STATUS_NAMES.size() ? STATUS_NAMES.get(status) : "ncclResult " + status;
    }
}
