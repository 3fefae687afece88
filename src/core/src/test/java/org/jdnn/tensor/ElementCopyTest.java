package org.jdnn.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Runs of elements between tensors at offsets, on the host and on the sim device (without a host round trip). */
class ElementCopyTest {
    @Test
    void copiesARunBetweenOffsetsOnTheHost() {
        try (Tensor from = Tensor.of(1f, 2f, 3f, 4f, 5f); Tensor to = Tensor.zeros(2, 3)) {
            ElementCopy.copy(from, 1, to, 2, 3);
            assertArrayEquals(new float[]{0, 0, 2, 3, 4, 0}, to.toFloatArray());
        }
    }

    @Test
    void copiesARunBetweenOffsetsOnTheSimDeviceWithoutLeavingIt() {
        try (Tensor from = Tensor.of(1f, 2f, 3f, 4f, 5f).to(Device.SIM);
             Tensor to = Tensor.zeros(Device.SIM, 6)) {
            Transfers.Counts before = Transfers.counts();
            ElementCopy.copy(from, 3, to, 0, 2);
            ElementCopy.copy(from, 0, to, 4, 2);
            Transfers.Counts moved = Transfers.counts().since(before);

            assertEquals(0, moved.deviceToHost() + moved.hostToDevice(), "copies stay on the device: " + moved);
            assertArrayEquals(new float[]{4, 5, 0, 0, 1, 2}, to.toFloatArray());
        }
    }

    @Test
    void refusesRunsPastAnEndAndMixedDevices() {
        try (Tensor from = Tensor.of(1f, 2f, 3f); Tensor to = Tensor.zeros(2); Tensor sim = Tensor.zeros(Device.SIM, 3)) {
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> ElementCopy.copy(from, 1, to, 1, 2));
            assertEquals("ElementCopy.copy: 2 elements from offset 1 of [3] to offset 1 of [2] run past an end",
                    past.getMessage());
            IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                    () -> ElementCopy.copy(from, 0, sim, 0, 3));
            assertEquals("ElementCopy.copy: tensors on cpu and sim; both must be on one device", mixed.getMessage());
        }
    }
}
