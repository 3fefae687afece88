package org.jdnn.backend.cuda;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a fill repeats on the device, and the memory's kind; no GPU needed. */
class CudaMemoryTest {
    @Test
    void aFillRepeatsOneLittleEndianElementOfTheDType() {
        assertArrayEquals(new byte[] {0, 0, (byte) 0xc0, 0x3f}, CudaMemory.elementBytes(DType.FLOAT32, 1.5));
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, CudaMemory.elementBytes(DType.INT64, 7));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 2, (byte) 0xc0}, CudaMemory.elementBytes(DType.FLOAT64, -2.25));
        assertArrayEquals(new byte[] {1}, CudaMemory.elementBytes(DType.BOOL, 3));
    }

    @Test
    void itIsTheMemoryOfCudaDevices() {
        assertEquals(Device.Kind.CUDA, new CudaMemory().kind());
    }
}
