package org.jdnn.backend;

import org.jdnn.tensor.Tensor;

/**
 * Where a kernel cannot run a case, the kernel to run instead: declared once, beside the kernel, in its backend's
 * {@link KernelTable}; every time it is taken the dispatcher counts it ({@link Fallbacks}).
 *
 * @param reason   why the kernel cannot run these operands, as a user should read it
 * @param when     true for the operands the kernel cannot run
 * @param backend  the backend whose kernel for the same op runs instead (on the same device)
 */
public record Fallback<P>(String reason, Condition<P> when, String backend) {
    public Fallback {
        if (reason == null || when == null || backend == null) {
            throw new IllegalArgumentException("Fallback: reason, condition and backend are required");
        }
    }

    /** A fallback to the reference backend's kernel. */
    public static <P> Fallback<P> toReference(String reason, Condition<P> when) {
        return new Fallback<>(reason, when, Backends.REFERENCE);
    }

    /** Whether a call must fall back. */
    @FunctionalInterface
    public interface Condition<P> {
        boolean test(P params, Tensor[] inputs, Tensor[] outputs);
    }
}
