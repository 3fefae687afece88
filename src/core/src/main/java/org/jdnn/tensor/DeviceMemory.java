package org.jdnn.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The memory of one kind of non-host device: how its blocks are allocated and freed, filled, and copied to and from
 * the host and within the device. A backend for such a device provides one, listed in
 * {@code META-INF/services/org.jdnn.tensor.DeviceMemory} (the tensor layer imports no implementation).
 *
 * <p>A block is a {@link MemorySegment} whose address is the device address; host code never dereferences it. Only
 * the copies here, and the device's kernels while a kernel call pins the block ({@link TensorAccess#pin}), read or
 * write it. Every copy between host and device is counted ({@link Transfers}).
 */
public interface DeviceMemory {
    /** The kind of device this memory belongs to. */
    Device.Kind kind();

    /** A block of {@code bytes} bytes on {@code device}, uninitialised. */
    MemorySegment allocate(Device device, long bytes);

    /** Returns a block to the device's allocator. */
    void free(Device device, MemorySegment block);

    /** Copies {@code host} (plain host memory) into the start of {@code block}. */
    void copyFromHost(MemorySegment host, MemorySegment block);

    /** Copies {@code bytes} bytes from {@code block} at {@code offset} into {@code host}. */
    void copyToHost(MemorySegment block, long offset, MemorySegment host);

    /** Copies {@code from} into {@code to}, both on the device, of the same size. */
    void copy(MemorySegment from, MemorySegment to);

    /** Sets every float of {@code block} to {@code value}. */
    void fill(MemorySegment block, float value);

    /**
     * Sets every element of {@code block}, of {@code dtype}, to {@code value} converted as {@link Elements#set}
     * converts. The default handles float32 and zero (all bits clear in every dtype); a device with other dtypes
     * overrides it.
     */
    default void fill(MemorySegment block, DType dtype, double value) {
        if (dtype == DType.FLOAT32) {
            fill(block, (float) value);
        } else if (value == 0 && Double.doubleToRawLongBits(value) == 0) {
            fill(block, 0f);
        } else {
            throw new UnsupportedOperationException(kind() + " memory cannot fill " + dtype + " elements with " + value);
        }
    }
}
