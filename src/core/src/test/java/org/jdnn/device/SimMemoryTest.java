package org.jdnn.device;

import org.jdnn.autograd.F;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;
import org.jdnn.tensor.Transfers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulated device's memory: host code reaches it only through counted copies. */
class SimMemoryTest {
    @Test
    void toAndFromTheDeviceCopyTheValuesAndCountEachCrossing() {
        try (Scope scope = Scope.open()) {
            Tensor host = Tensor.randn(1, 2, 3);
            Transfers.Counts before = Transfers.counts();
            Tensor sim = host.to(Device.SIM);
            assertEquals(Device.SIM, sim.device());
            assertArrayEquals(host.toFloatArray(), sim.toFloatArray());
            Tensor back = sim.to(Device.CPU);
            assertArrayEquals(host.toFloatArray(), back.toFloatArray());
            Transfers.Counts made = Transfers.counts().since(before);
            assertEquals(1, made.hostToDevice(), made.toString());
            assertEquals(2, made.deviceToHost(), made.toString());
            assertEquals(24, made.hostToDeviceBytes(), made.toString());
        }
    }

    @Test
    void elementReadsAndWritesAreCopiesToo() {
        try (Scope scope = Scope.open()) {
            Tensor sim = Tensor.zeros(Device.SIM, 2, 2);
            Transfers.Counts before = Transfers.counts();
            sim.set(5f, 1, 0);
            assertEquals(5f, sim.get(1, 0));
            assertEquals(0f, sim.get(0, 1));
            assertEquals(7f, Tensor.full(7f, Device.SIM, 1).item());
            Transfers.Counts made = Transfers.counts().since(before);
            assertEquals(4, made.deviceToHost(), made.toString()); // the set reads, then three reads
            assertEquals(1, made.hostToDevice(), made.toString());
        }
    }

    @Test
    void fillingAndCopyingOnTheDeviceCrossNothing() {
        try (Scope scope = Scope.open()) {
            Transfers.Counts before = Transfers.counts();
            Tensor a = Tensor.ones(Device.SIM, 3);
            Tensor b = a.copy().fill(2f);
            Tensor view = b.to(Device.SIM);
            assertEquals(before, Transfers.counts(), "zeros/ones, copy, fill and to(same device) copy nothing across");
            assertEquals(Device.SIM, view.device());
            assertArrayEquals(new float[] {1, 1, 1}, a.toFloatArray());
            assertArrayEquals(new float[] {2, 2, 2}, view.toFloatArray());
        }
    }

    @Test
    void readingDeviceMemoryWithoutACopyFailsLoudly() {
        try (Tensor sim = Tensor.zeros(Device.SIM, 4)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TensorAccess.segment(sim));
            assertTrue(e.getMessage().contains("tensor on sim: its memory is read only by the device's kernels"),
                    e.getMessage());
            assertTrue(sim.toString().contains("device=sim"), sim.toString());
        }
    }

    @Test
    void anOpOverTwoDevicesNamesBoth() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 1, 4, 4);
            Tensor w = Tensor.randn(2, 1, 1, 3, 3).to(Device.SIM);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> F.conv2d(x, w, null, Conv2dParams.DEFAULT));
            assertEquals("conv2d: input is on cpu but weight is on sim; move them to one device with to(device)",
                    e.getMessage());
        }
    }

    @Test
    void devicesParseAsPyTorchSpellsThem() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.SIM, Device.parse("sim"));
        assertEquals(Device.cuda(1), Device.parse("cuda:1"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    }
}
