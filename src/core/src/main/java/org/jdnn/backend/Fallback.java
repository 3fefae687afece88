package org.jdnn.backend;

import org.jdnn.tensor.Tensor;

/**
 * Where a kernel cannot run a case, the kernel to run instead: declared once, beside the kernel, in its backend's
 * {@link KernelTable}; every time it is taken the dispatcher counts it ({@link Fallbacks}).
 *
 * <p>A fallback {@linkplain #viaHost() via the host} serves a device the target's kernel cannot read: the dispatcher
 * copies the operands to the host, runs the host backend's kernel there and copies the results back
 * ({@link HostRoundTrip}), every copy counted as a transfer. A new device's backend declares it for each op it has no
 * kernel for yet, so the whole op table runs there from the start, slowly and visibly.
 *
 * @param reason   why the kernel cannot run these operands, as a user should read it
 * @param when     true for the operands the kernel cannot run
 * @param backend  the backend whose kernel for the same op runs instead (on the same device, or on the host)
 * @param viaHost  whether the operands go to the host and back for it (the target runs on the host)
 */
public record Fallback<P>(String reason, Condition<P> when, String backend, boolean viaHost) {
    public Fallback {
        if (reason == null || when == null || backend == null) {
            throw new IllegalArgumentException("Fallback: reason, condition and backend are required");
        }
    }

    /** A fallback to another backend's kernel on the same device. */
    public Fallback(String reason, Condition<P> when, String backend) {
        this(reason, when, backend, false);
    }

    /** The condition of a fallback taken by every call: the backend has no kernel of its own for the op. */
    @SuppressWarnings("unchecked")
    public static <P> Condition<P> always() {
        return (Condition<P>) ALWAYS;
    }

    private static final Condition<?> ALWAYS = (p, in, out) -> true;

    /**
     * A fallback to the reference backend's kernel through host copies of the operands, for a device whose memory
     * the reference cannot read (see {@link HostRoundTrip}).
     */
    public static <P> Fallback<P> viaHost(String reason, Condition<P> when) {
        return new Fallback<>(reason, when, Backends.REFERENCE, true);
    }

    /** Whether every call takes this fallback (the backend has no kernel of its own for the op). */
    public boolean isAlways() {
        return when == ALWAYS;
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
