package org.jdnn.functional;

import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.tensor.Tensor;

/**
 * A pooling forward kept for its backward: the output and, for max pooling, the workspace recording where
 * each maximum was (null for average pooling). Closing it closes both.
 */
public record Pool2dResult(Tensor output, Pool2dWorkspace workspace) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        if (workspace != null) {
            workspace.close();
        }
    }
}
