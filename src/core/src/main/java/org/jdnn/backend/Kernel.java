package org.jdnn.backend;

import org.jdnn.tensor.Tensor;

/**
 * One backend's implementation of one op: computes {@code outputs} (allocated by the dispatcher with the shapes the
 * op's shape rule gave, on the backend's device) from {@code inputs} (null where an optional input is absent, and
 * in {@code outputs} where the call does not produce that output). The dispatcher has already checked the operands,
 * pinned them for the call and counted any fallback; a kernel reads and writes tensor memory only through
 * {@link org.jdnn.tensor.TensorAccess}.
 *
 * <p>An output the op declares {@linkplain org.jdnn.ops.Op#isSizedByKernel sized by the kernel} arrives null: the
 * kernel stores there a tensor it allocates on its device (a workspace in its own format), or leaves it null when
 * the call does not produce it; the dispatcher frees it if the kernel then fails.
 */
@FunctionalInterface
public interface Kernel<P> {
    void run(P params, Tensor[] inputs, Tensor[] outputs);
}
