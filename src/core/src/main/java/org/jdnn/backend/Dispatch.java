package org.jdnn.backend;

import org.jdnn.ops.Op;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

/**
 * The one path from an op call to a kernel. For every op alike it checks the operands (present, open, all on one
 * device), applies the op's dtype rule and shape rule, allocates the outputs on that device with the rule's dtypes, finds the kernel of the backend
 * that owns the device, takes a declared fallback where the kernel cannot run the case (counted), pins the operands
 * for the call and frees the outputs if the kernel fails. Outputs an op declares
 * {@linkplain Op#isSizedByKernel sized by the kernel} are left null for the kernel to allocate; the dispatcher then
 * checks that what the kernel put there is on the backend's device.
 */
public final class Dispatch {
    private Dispatch() {
    }

    /** Runs {@code op} on the backend of its inputs' device; returns every output (null where not produced). */
    public static <P> Tensor[] call(Op<P> op, P params, Tensor... inputs) {
        requireArray(op, "inputs", inputs);
        Device device = deviceOf(op, inputs);
        Backend backend = backendFor(op, device);
        device = backend.device();
        Shape[] inputShapes = shapesOf(op, inputs);
        DType[] dtypes = op.outputDTypes(params, dtypesOf(inputs));
        Shape[] shapes = op.outputShapes(params, inputShapes);
        checkUpdatedInputs(op, inputs);
        Tensor[] outputs = new Tensor[shapes.length];
        try {
            for (int i = 0; i < shapes.length; i++) {
                outputs[i] = shapes[i] == null ? null : TensorAccess.emptyOutput(shapes[i], Op.outputDType(dtypes, i), device);
            }
            execute(backend, op, params, inputs, outputs);
            return outputs;
        } catch (RuntimeException | Error e) {
            closeAll(outputs, e);
            throw e;
        }
    }

    /**
     * Whether the backend that owns {@code device} runs {@code op} with a kernel of its own (not a fallback taken by
     * every call, as a device's host round trip): callers with a cheaper composition of other ops use it otherwise.
     */
    public static boolean hasOwnKernel(Op<?> op, Device device) {
        KernelTable.Entry<?> entry = backendFor(op, device).kernels().entry(op);
        return entry != null && entry.hasOwnKernel();
    }

    /** The first output of {@link #call}; an op with more outputs frees the others. */
    public static <P> Tensor call1(Op<P> op, P params, Tensor... inputs) {
        requireOutput(op);
        Tensor[] outputs = call(op, params, inputs);
        for (int i = 1; i < outputs.length; i++) {
            if (outputs[i] != null) {
                outputs[i].close();
            }
        }
        return outputs[0];
    }

    /**
     * Runs {@code op} on {@code backend} into outputs the caller allocated (tests, in-place updates): checks they have
     * the shapes and dtypes the op's rules give, are on the backend's device and do not overlap the inputs. An output sized by
     * the kernel is passed null and holds the kernel's tensor (the caller's to close) when this returns.
     */
    public static <P> void run(Backend backend, Op<P> op, P params, Tensor[] inputs, Tensor[] outputs) {
        requireArray(op, "inputs", inputs);
        requireArray(op, "outputs", outputs);
        Shape[] inputShapes = shapesOf(op, inputs);
        DType[] dtypes = op.outputDTypes(params, dtypesOf(inputs));
        Shape[] shapes = op.outputShapes(params, inputShapes);
        if (outputs.length != shapes.length) {
            throw new IllegalArgumentException(op + ": " + outputs.length + " outputs given, expected " + op.outputs());
        }
        for (int i = 0; i < inputs.length; i++) {
            checkOnDevice(op, op.inputName(i), inputs[i], backend.device());
        }
        checkUpdatedInputs(op, inputs);
        for (int i = 0; i < outputs.length; i++) {
            String name = op.outputName(i);
            if (shapes[i] == null) {
                if (outputs[i] != null) {
                    throw new IllegalArgumentException(op + ": " + name + " is not produced by this call; pass null");
                }
                continue;
            }
            checkOnDevice(op, name, outputs[i], backend.device());
            if (outputs[i] == null) {
                throw new IllegalArgumentException(op + ": " + name + " is null");
            }
            if (!outputs[i].shape().equals(shapes[i])) {
                throw new IllegalArgumentException(op + ": " + name + " shape " + outputs[i].shape() + " != expected "
                        + shapes[i]);
            }
            DType dtype = Op.outputDType(dtypes, i);
            if (outputs[i].dtype() != dtype) {
                throw new IllegalArgumentException(op + ": " + name + " has dtype " + outputs[i].dtype()
                        + ", expected " + dtype);
            }
            for (int j = 0; j < inputs.length; j++) {
                checkDisjoint(op, i, outputs[i], j, inputs[j]);
            }
            for (int j = 0; j < i; j++) {
                checkDisjoint(op, i, outputs[i], -1, outputs[j]);
            }
        }
        execute(backend, op, params, inputs, outputs);
    }

    private static <P> void execute(Backend backend, Op<P> op, P params, Tensor[] inputs, Tensor[] outputs) {
        Kernel<P> kernel = kernelFor(backend, op, params, inputs, outputs);
        try {
            try (Pins ignored = TensorAccess.pin(inputs, outputs)) {
                kernel.run(params, inputs, outputs);
            }
            for (int i = 0; i < outputs.length; i++) {
                if (op.isSizedByKernel(i) && outputs[i] != null && !outputs[i].device().equals(backend.device())) {
                    throw new IllegalStateException(op + ": the kernel made " + op.outputs().get(i) + " on "
                            + outputs[i].device() + ", not " + backend.device());
                }
            }
        } catch (RuntimeException | Error e) {
            freeSizedByKernel(op, outputs, e);
            throw e;
        }
    }

    /** Frees (and clears) what a failed kernel allocated itself, which no caller knows about. */
    private static void freeSizedByKernel(Op<?> op, Tensor[] outputs, Throwable cause) {
        for (int i = 0; i < outputs.length; i++) {
            if (op.isSizedByKernel(i) && outputs[i] != null) {
                Tensor made = outputs[i];
                outputs[i] = null;
                closeAll(new Tensor[] {made}, cause);
            }
        }
    }

    /** The backend's kernel, or the first declared fallback whose condition holds (counted). */
    private static <P> Kernel<P> kernelFor(Backend backend, Op<P> op, P params, Tensor[] inputs, Tensor[] outputs) {
        KernelTable.Entry<P> entry = backend.kernels().entry(op);
        if (entry == null) {
            throw new UnsupportedOperationException(op + ": the " + backend.name() + " backend has no kernel for it");
        }
        for (Fallback<P> fallback : entry.fallbacks()) {
            if (fallback.when().test(params, inputs, outputs)) {
                Fallbacks.count(backend.name(), op.name(), fallback);
                Backend target = Backends.get(fallback.backend());
                KernelTable.Entry<P> other = target.kernels().entry(op);
                Device runsOn = fallback.viaHost() ? Device.CPU : backend.device();
                if (other == null || target == backend || !target.device().equals(runsOn)) {
                    throw new IllegalStateException(op + ": " + backend.name() + " falls back to " + fallback.backend()
                            + ", which has no kernel for it on " + runsOn);
                }
                return fallback.viaHost() ? new HostRoundTrip<>(op, other.kernel()) : other.kernel();
            }
        }
        return entry.kernel();
    }

    /** The backend of {@code device}; with no tensor operand (null), the thread's backend. */
    private static Backend backendFor(Op<?> op, Device device) {
        if (device == null) {
            return Backends.current();
        }
        try {
            return Backends.forDevice(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    /** The one device all present inputs are on (null when there is none); an op over two devices names both. */
    private static Device deviceOf(Op<?> op, Tensor[] inputs) {
        Device device = null;
        String first = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                continue;
            }
            if (device == null) {
                device = t.device();
                first = op.inputName(i);
            } else if (!t.device().equals(device)) {
                throw new IllegalArgumentException(op + ": " + first + " is on " + device + " but "
                        + op.inputName(i) + " is on " + t.device() + "; move them to one device with to(device)");
            }
        }
        return device;
    }

    private static Shape[] shapesOf(Op<?> op, Tensor[] inputs) {
        if (!op.takesInputs(inputs.length)) {
            throw new IllegalArgumentException(op + ": " + inputs.length + " inputs given, expected " + op.inputs());
        }
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                continue;
            }
            String name = op.inputName(i);
            if (t.isClosed()) {
                throw new IllegalStateException(op + ": " + name + " " + t.shape() + " is closed");
            }
            shapes[i] = t.shape();
        }
        return shapes;
    }

    /** The inputs' dtypes, null for absent ones (checked by the op's dtype rule). */
    private static DType[] dtypesOf(Tensor[] inputs) {
        DType[] dtypes = new DType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            dtypes[i] = inputs[i] == null ? null : inputs[i].dtype();
        }
        return dtypes;
    }

    private static void checkOnDevice(Op<?> op, String name, Tensor t, Device device) {
        if (t == null) {
            return;
        }
        if (t.isClosed()) {
            throw new IllegalStateException(op + ": " + name + " " + t.shape() + " is closed");
        }
        if (!t.device().equals(device)) {
            throw new IllegalArgumentException(op + ": " + name + " is on " + t.device() + " but the backend runs on "
                    + device);
        }
    }

    /**
     * An output may be the op's in-place input exactly (same bytes), and otherwise shares no memory with an input
     * ({@code index}) or an earlier output ({@code index} -1).
     */
    private static void checkDisjoint(Op<?> op, int output, Tensor out, int index, Tensor other) {
        if (other == null || out == null) {
            return;
        }
        long oBytes = out.numel() * out.dtype().byteSize();
        long iBytes = other.numel() * other.dtype().byteSize();
        if (oBytes == 0 || iBytes == 0 || !TensorAccess.sharesMemory(out, other)) {
            return;
        }
        // Tensors sharing memory are views of one storage, all starting at its first byte.
        boolean inPlace = output == 0 && index >= 0 && index == op.inPlaceInput() && oBytes == iBytes;
        if (!inPlace) {
            String name = index >= 0 ? op.inputName(index) : "another output";
            throw new IllegalArgumentException(op + ": output " + op.outputName(output) + " must not share memory with "
                    + name);
        }
    }

    /** A null operand array (rather than null operands in it) is rejected by name, as the operands are. */
    private static void requireArray(Op<?> op, String what, Tensor[] tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException(op + ": " + what + " is null");
        }
    }

    /** Checked before running: an op with no outputs (an in-place update) has no first output to return. */
    public static void requireOutput(Op<?> op) {
        if (op.outputs().isEmpty()) {
            throw new IllegalArgumentException(op + ": has no outputs (it updates its inputs in place); call it with "
                    + "Dispatch.call");
        }
    }

    /** An input the op writes in place ({@link Op#isUpdated}) shares no memory with any other input. */
    private static void checkUpdatedInputs(Op<?> op, Tensor[] inputs) {
        if (!op.updatesAnyInput()) {
            return;
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                continue;
            }
            for (int j = i + 1; j < inputs.length; j++) {
                boolean written = op.isUpdated(i) || op.isUpdated(j);
                if (written && inputs[j] != null && sharesMemory(inputs[i], inputs[j])) {
                    int updated = op.isUpdated(i) ? i : j;
                    throw new IllegalArgumentException(op + ": " + op.inputName(updated) + " is written in place and "
                            + "must not share memory with " + op.inputName(updated == i ? j : i));
                }
            }
        }
    }

    private static boolean sharesMemory(Tensor a, Tensor b) {
        return a.numel() > 0 && b.numel() > 0 && TensorAccess.sharesMemory(a, b);
    }

    private static void closeAll(Tensor[] tensors, Throwable cause) {
        for (Tensor t : tensors) {
            if (t != null) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }
}
