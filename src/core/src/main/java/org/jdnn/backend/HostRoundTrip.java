package org.jdnn.backend;

import org.jdnn.ops.Op;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

/**
 * A host backend's kernel run for operands on a device the host cannot read ({@link Fallback#viaHost}): the inputs
 * are copied to the host, the kernel runs there into host outputs, and the results come back — the outputs, the
 * inputs the op writes in place, and the outputs the kernel sizes itself (made on the host, then moved). Every copy
 * is a counted transfer, so a device training step that takes this path shows up in {@code Transfers} as well as
 * in {@link Fallbacks}.
 *
 * <p>An output that is the op's in-place input (the same bytes) stays one tensor on the host too, so the kernel sees
 * the aliasing it was written for. Kernel-owned state that is registered by tensor identity (max pooling's
 * workspace, {@link Pool2dWorkspace}) follows each copy.
 */
final class HostRoundTrip<P> implements Kernel<P> {
    private final Op<P> op;
    private final Kernel<P> hostKernel;

    HostRoundTrip(Op<P> op, Kernel<P> hostKernel) {
        this.op = op;
        this.hostKernel = hostKernel;
    }

    @Override
    public void run(P params, Tensor[] inputs, Tensor[] outputs) {
        Tensor[] hostIn = new Tensor[inputs.length];
        Tensor[] hostOut = new Tensor[outputs.length];
        try {
            for (int i = 0; i < inputs.length; i++) {
                hostIn[i] = toHost(inputs[i]);
            }
            for (int i = 0; i < outputs.length; i++) {
                hostOut[i] = hostOutput(inputs, hostIn, outputs, i);
            }
            try (Pins ignored = TensorAccess.pin(hostIn, hostOut)) {
                hostKernel.run(params, hostIn, hostOut);
            }
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] != null && op.isUpdated(i)) {
                    inputs[i].copyFrom(hostIn[i]);
                }
            }
            for (int i = 0; i < outputs.length; i++) {
                if (op.isSizedByKernel(i)) {
                    outputs[i] = hostOut[i] == null ? null : toDevice(hostOut[i], device(inputs, outputs));
                } else if (outputs[i] != null) {
                    // An in-place result the loop above already copied back into the updated input is not copied twice.
                    boolean copied = isAlias(hostIn, hostOut[i]) && op.isUpdated(op.inPlaceInput());
                    if (!copied) {
                        outputs[i].copyFrom(hostOut[i]);
                    }
                }
            }
        } finally {
            closeAll(hostIn, hostOut);
        }
    }

    /** A host copy of {@code t} (null stays null), carrying its registered kernel state. */
    private static Tensor toHost(Tensor t) {
        if (t == null) {
            return null;
        }
        Tensor host = Tensor.empty(t.shape(), t.dtype(), Device.CPU);
        try {
            host.copyFrom(t);
            Pool2dWorkspace.copied(t, host);
            return host;
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    /** The host tensor the kernel writes output {@code i} into: none where it sizes it, the input's where in place. */
    private Tensor hostOutput(Tensor[] inputs, Tensor[] hostIn, Tensor[] outputs, int i) {
        if (outputs[i] == null || op.isSizedByKernel(i)) {
            return null;
        }
        int inPlace = op.inPlaceInput();
        if (i == 0 && inPlace >= 0 && inPlace < inputs.length && inputs[inPlace] != null
                && TensorAccess.sharesMemory(inputs[inPlace], outputs[0])
                && inputs[inPlace].numel() == outputs[0].numel()) {
            return hostIn[inPlace];
        }
        return Tensor.empty(outputs[i].shape(), outputs[i].dtype(), Device.CPU);
    }

    private static Tensor toDevice(Tensor host, Device device) {
        Tensor moved = Tensor.empty(host.shape(), host.dtype(), device);
        try {
            moved.copyFrom(host);
            Pool2dWorkspace.copied(host, moved);
            return moved;
        } catch (RuntimeException | Error e) {
            moved.close();
            throw e;
        }
    }

    /** The device of the call: that of its first present operand. */
    private static Device device(Tensor[] inputs, Tensor[] outputs) {
        for (Tensor[] tensors : new Tensor[][] {inputs, outputs}) {
            for (Tensor t : tensors) {
                if (t != null) {
                    return t.device();
                }
            }
        }
        throw new IllegalStateException("host round trip: a call without operands has no device");
    }

    private static boolean isAlias(Tensor[] hostIn, Tensor out) {
        for (Tensor t : hostIn) {
            if (t != null && t == out) {
                return true;
            }
        }
        return false;
    }

    private static void closeAll(Tensor[] hostIn, Tensor[] hostOut) {
        for (Tensor[] tensors : new Tensor[][] {hostIn, hostOut}) {
            for (Tensor t : tensors) {
                if (t != null && !t.isClosed()) {
                    t.close();
                }
            }
        }
    }
}
