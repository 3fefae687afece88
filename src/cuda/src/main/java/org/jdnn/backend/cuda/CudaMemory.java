package org.jdnn.backend.cuda;

import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.DeviceMemory;
import org.jdnn.tensor.Elements;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The GPU's memory for tensors on {@code cuda:0}: blocks from the device's {@link CachingAllocator}, copies to and
 * from Java memory through the thread's pinned buffer ({@link PinnedStaging}), copies and fills on the device queued
 * on the thread's stream. Found by the tensor layer as a service; nothing is loaded until a cuda tensor is made.
 *
 * <p>A freed block returns to the free list of the stream that allocated it, so only later work of that stream, which
 * runs after everything queued before the free, reuses it. A tensor one thread computes and another uses needs
 * {@link CudaBackend#synchronize()} on the first thread in between (streams are per thread).
 */
public final class CudaMemory implements DeviceMemory {
    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public MemorySegment allocate(Device device, long bytes) {
        CudaDevice.requireIndex(device.index());
        CudaThread thread = CudaThread.current();
        long address = CudaDevice.get().allocator().allocate(bytes, thread.stream());
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public void free(Device device, MemorySegment block) {
        // No stream is touched here: the cleaner's thread frees leaked tensors too.
        CudaDevice.get().allocator().free(block.address());
    }

    @Override
    public void copyFromHost(MemorySegment host, MemorySegment block) {
        CudaThread.current().staging().upload(host, block);
    }

    @Override
    public void copyToHost(MemorySegment block, long offset, MemorySegment host) {
        CudaThread.current().staging().download(block, offset, host);
    }

    @Override
    public void copy(MemorySegment from, MemorySegment to) {
        long bytes = Math.min(from.byteSize(), to.byteSize());
        if (bytes > 0) {
            CudaRuntime.copyOnDeviceAsync(from, to, bytes, CudaThread.current().stream());
        }
    }

    @Override
    public void fill(MemorySegment block, float value) {
        fill(block, block.byteSize(), value);
    }

    /** Sets {@code bytes} bytes at {@code block} to the float {@code value}, on the thread's stream. */
    static void fill(MemorySegment block, long bytes, float value) {
        if (bytes == 0) {
            return;
        }
        if (Float.floatToRawIntBits(value) == 0) {
            CudaRuntime.memsetAsync(block, 0, bytes, CudaThread.current().stream());
            return;
        }
        CudaThread.current().staging().fill(block, bytes, elementBytes(DType.FLOAT32, value));
    }

    @Override
    public void fill(MemorySegment block, DType dtype, double value) {
        if (dtype == DType.FLOAT32) {
            fill(block, (float) value);
            return;
        }
        byte[] element = elementBytes(dtype, value);
        boolean zero = true;
        for (byte b : element) {
            zero &= b == 0;
        }
        if (zero) {
            fill(block, 0f);
        } else {
            CudaThread.current().staging().fill(block, block.byteSize(), element);
        }
    }

    /**
     * One element of {@code dtype} holding {@code value} (converted as {@link Elements#set} converts), as the bytes a
     * fill repeats. Written in native memory: a {@code byte[]}'s segment cannot take an aligned float or long.
     */
    static byte[] elementBytes(DType dtype, double value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment element = arena.allocate(dtype.byteSize(), Long.BYTES);
            Elements.set(element, dtype, 0, value);
            return element.toArray(JAVA_BYTE);
        }
    }
}
