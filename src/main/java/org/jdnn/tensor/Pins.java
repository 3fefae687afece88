package org.jdnn.tensor;

/** The operands a kernel call pinned ({@link TensorAccess#pin}); closing unpins them, once. */
public final class Pins implements AutoCloseable {
    private final Tensor[] pinned;
    private int count;

    private Pins(int capacity) {
        pinned = new Tensor[capacity];
    }

    static Pins of(Tensor[] inputs, Tensor[] outputs) {
        Pins pins = new Pins(inputs.length + outputs.length);
        try {
            pins.add(inputs);
            pins.add(outputs);
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

    @Override
    public void close() {
        for (int i = count - 1; i >= 0; i--) {
            pinned[i].unpin();
            pinned[i] = null;
        }
        count = 0;
    }
}
