package org.jdnn.backend.cuda;

import java.lang.foreign.MemorySegment;

/** Device addresses as the CUDA libraries take them: zero-length segments, never dereferenced on the host. */
final class DevicePointer {
    private DevicePointer() {
    }

    /** The device address {@code bytes} past {@code base}. */
    static MemorySegment at(MemorySegment base, long bytes) {
        return MemorySegment.ofAddress(base.address() + bytes);
    }
}
