package org.jdnn.tensor;

/**
 * The operands a kernel call pinned ({@link TensorAccess#pin}); closing unpins them, once. While a call on a non-host
 * device holds its pins, that thread is inside a kernel of the device and may reach the device's memory.
 */
public final class Pins implements AutoCloseable {
    private static final ThreadLocal<Device> KERNEL_DEVICE = new ThreadLocal<>();

    private final Tensor[] pinned;
    private int count;
    private boolean entered;
    private Device previous;

    private Pins(int capacity) {
        pinned = new Tensor[capacity];
    }

    static Pins of(Tensor[] inputs, Tensor[] outputs) {
        Pins pins = new Pins(inputs.length + outputs.length);
        try {
            pins.add(inputs);
            pins.add(outputs);
            pins.enterDevice();
        } catch (RuntimeException | Error e) {
            pins.close();
            throw e;
        }
        return pins;
    }

    private void add(Tensor[] tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.pin();
                pinned[count++] = t;
            }
        }
    }

    /** Marks this thread as running a kernel on the operands' device, if that is not the host. */
    private void enterDevice() {
        for (int i = 0; i < count; i++) {
            Device device = pinned[i].device();
            if (!device.isHost()) {
                previous = KERNEL_DEVICE.get();
                KERNEL_DEVICE.set(device);
                entered = true;
                return;
            }
        }
    }

    /** Whether this thread is inside a kernel call on {@code device}. */
    static boolean inKernelOn(Device device) {
        return device.equals(KERNEL_DEVICE.get());
    }

    @Override
    public void close() {
        if (entered) {
            entered = false;
            KERNEL_DEVICE.set(previous);
        }
        for (int i = count - 1; i >= 0; i--) {
            pinned[i].unpin();
            pinned[i] = null;
        }
        count = 0;
    }
}
