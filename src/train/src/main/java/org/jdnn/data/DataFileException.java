package org.jdnn.data;

import java.io.IOException;

/**
 * A data file (IDX, CSV) that exists but whose contents are wrong: bad magic number, unsupported element
 * type, inconsistent dimensions, truncated data, unparsable values. The message names the file and the
 * problem, e.g. {@code "train-images-idx3-ubyte.gz: expected 47040000 pixel bytes, data ends after 1200"}.
 */
public class DataFileException extends IOException {
    public DataFileException(String message) {
        super(message);
    }

    public DataFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
