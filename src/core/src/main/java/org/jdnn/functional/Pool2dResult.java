package org.jdnn.functional;

import org.jdnn.tensor.Tensor;

/**
 * A pooling forward kept for its backward: the output and, for max pooling, the workspace recording where
 * each maximum was (null for average pooling): an opaque tensor in the format of the backend that made it, which
 * only that backend's {@link Functional#pool2dBackward} accepts. Closing it closes both.
 */
public record Pool2dResult(Tensor output, Tensor workspace) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        if (workspace != null) {
            workspace.close();
        }
    }
}
