package org.jdnn.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A kernel's arguments as cuLaunchKernel takes them: each value in its own host memory, in the kernel's parameter
 * order, and {@link #pack()} an array of pointers to those values. Structs travel by value: their bytes are copied.
 * Everything lives in the caller's arena; the driver copies the values when the launch is enqueued, so the arena may
 * close right after the launch.
 */
public final class KernelArguments {
    private final Arena arena;
    private final List<MemorySegment> values = new ArrayList<>();

    public KernelArguments(Arena arena) {
        this.arena = arena;
    }

    /** A C {@code int}. */
    public KernelArguments int32(int value) {
        values.add(arena.allocateFrom(JAVA_INT, value));
        return this;
    }

    /** A C {@code float}. */
    public KernelArguments float32(float value) {
        values.add(arena.allocateFrom(JAVA_FLOAT, value));
        return this;
    }

    /** A C {@code int64_t} (or {@code uint64_t}, the same bits). */
    public KernelArguments int64(long value) {
        values.add(arena.allocateFrom(JAVA_LONG, value));
        return this;
    }

    /** A device pointer (its address; NULL allowed where the kernel documents it). */
    public KernelArguments pointer(MemorySegment devicePointer) {
        values.add(arena.allocateFrom(ADDRESS, devicePointer));
        return this;
    }

    /** A struct by value: a copy of {@code bytes}, 8-byte aligned as every jdnn kernel struct is. */
    public KernelArguments struct(MemorySegment bytes) {
        MemorySegment copy = arena.allocate(bytes.byteSize(), 8);
        copy.copyFrom(bytes);
        values.add(copy);
        return this;
    }

    /** The arena the values live in (for struct bytes built alongside). */
    public Arena arena() {
        return arena;
    }

    /** How many arguments there are. */
    public int count() {
        return values.size();
    }

    /** The value of argument {@code index}, as held in host memory (for inspection). */
    public MemorySegment value(int index) {
        return values.get(index);
    }

    /** The {@code void**} kernelParams: one pointer per argument, in order. */
    public MemorySegment pack() {
        MemorySegment pointers = arena.allocate(ADDRESS, Math.max(1, values.size()));
        for (int i = 0; i < values.size(); i++) {
            pointers.setAtIndex(ADDRESS, i, values.get(i));
        }
        return pointers;
    }
}
