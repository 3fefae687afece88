package org.jdnn.backend.sim;

import org.jdnn.natives.HostMemory;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.DeviceMemory;
import org.jdnn.tensor.Elements;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The simulated device's memory. Its blocks are host memory underneath (from the host allocator, so budgets and
 * caching apply), but the tensor layer treats them as device memory: host code reaches them only through these
 * copies, each counted, and kernels only while a kernel call of the sim device pins them. A program that runs on
 * {@code sim} without a stray host read therefore needs only kernels to run on a real device.
 */
public final class SimMemory implements DeviceMemory {
    @Override
    public Device.Kind kind() {
        return Device.Kind.SIM;
    }

    @Override
    public MemorySegment allocate(Device device, long bytes) {
        return HostMemory.allocate(bytes);
    }

    @Override
    public void free(Device device, MemorySegment block) {
        HostMemory.release(block);
    }

    @Override
    public void copyFromHost(MemorySegment host, MemorySegment block) {
        MemorySegment.copy(host, 0, block, 0, host.byteSize());
    }

    @Override
    public void copyToHost(MemorySegment block, long offset, MemorySegment host) {
        MemorySegment.copy(block, offset, host, 0, host.byteSize());
    }

    @Override
    public void copy(MemorySegment from, MemorySegment to) {
        MemorySegment.copy(from, 0, to, 0, Math.min(from.byteSize(), to.byteSize()));
    }

    @Override
    public void fill(MemorySegment block, float value) {
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            block.fill((byte) 0);
            return;
        }
        for (long i = 0, n = block.byteSize() / JAVA_FLOAT.byteSize(); i < n; i++) {
            block.setAtIndex(JAVA_FLOAT, i, value);
        }
    }

    @Override
    public void fill(MemorySegment block, DType dtype, double value) {
        for (long i = 0, n = block.byteSize() / dtype.byteSize(); i < n; i++) {
            Elements.set(block, dtype, i, value);
        }
    }
}
