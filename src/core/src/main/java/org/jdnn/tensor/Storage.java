package org.jdnn.tensor;

import org.jdnn.natives.HostMemory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block of native memory shared by a tensor and its views; freed when the last of them is closed.
 * The elements may for a while live in a backend's {@link NativeLayout} instead of the plain bytes; the plain
 * bytes are brought up to date on the first access to {@link #segment()}. The host memory of an op's output is
 * allocated on that first access too: an output a primitive holds in its own layout and that is never read plain
 * (most activations of a convolutional network) then never takes plain bytes beside the held ones.
 * A storage that becomes unreachable without being closed is returned to the allocator by a
 * {@link Cleaner} and counted as a leak ({@link #leakedCount()}), with one warning logged.
 */
final class Storage {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LEAKS = new AtomicLong();
    private static final System.Logger LOG = System.getLogger(Storage.class.getName());

    private final long bytes;
    private final Device device;
    /** The device's memory, or null for host memory. */
    private final DeviceMemory memory;
    private final AtomicInteger references = new AtomicInteger(1);
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** The cleaning action; must not refer to the Storage, or it would never become unreachable. */
    private static final class Release implements Runnable {
        private final long bytes;
        private final Device device;
        private final DeviceMemory memory;
        private volatile boolean explicit;
        /** The plain bytes; on the host null until first accessed (guarded by this). */
        private MemorySegment segment;
        /** Where the elements live while the plain bytes are stale; null when the plain bytes are current. */
        private NativeLayout nativeLayout;

        Release(long bytes, MemorySegment segment, Device device, DeviceMemory memory) {
            this.bytes = bytes;
            this.segment = segment;
            this.device = device;
            this.memory = memory;
        }

        @Override
        public void run() {
            MemorySegment plain;
            synchronized (this) {
                if (nativeLayout != null) {
                    nativeLayout.release();
                    nativeLayout = null;
                }
                plain = segment;
                segment = null;
            }
            if (memory != null) {
                memory.free(device, plain);
            } else if (plain != null) {
                HostMemory.release(plain);
            }
            if (!explicit && LEAKS.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, "jdnn: a tensor of " + bytes
                        + " bytes was garbage-collected without close(); use try-with-resources or a Scope");
            }
        }
    }

    /**
     * {@code bytes} on {@code device}; with {@code deferHostAllocation}, host memory is allocated at the first
     * {@link #segment()} (an op's output that a primitive may hold in its own layout), else now, so that a request
     * past the budget fails where it is made.
     */
    Storage(long bytes, Device device, boolean deferHostAllocation) {
        this.bytes = bytes;
        this.memory = device.isHost() ? null : DeviceMemories.of(device);
        this.device = device;
        MemorySegment block = memory != null ? memory.allocate(device, bytes)
                : deferHostAllocation ? null : HostMemory.allocate(bytes);
        this.release = new Release(bytes, block, device, memory);
        this.cleanable = CLEANER.register(this, release);
    }

    /**
     * The plain bytes, first copied back from a native layout if the elements are held in one. Device memory is
     * handed out only to a kernel call of its device that pinned it on this thread: host code copies instead.
     */
    MemorySegment segment() {
        if (memory != null) {
            if (!Pins.inKernelOn(device)) {
                throw new IllegalStateException("tensor on " + device + ": its memory is read only by the device's"
                        + " kernels; copy it to the host with toFloatArray(), item() or to(Device.CPU)");
            }
            return release.segment;
        }
        synchronized (release) {
            if (release.segment == null) {
                release.segment = HostMemory.allocate(bytes);
            }
            NativeLayout held = release.nativeLayout;
            if (held != null) {
                release.nativeLayout = null;
                try {
                    held.copyToPlain(release.segment);
                } finally {
                    held.release();
                }
            }
            return release.segment;
        }
    }

    /** The native layout the elements are held in, or null when the plain bytes are current; copies nothing. */
    NativeLayout nativeLayout() {
        synchronized (release) {
            return release.nativeLayout;
        }
    }

    /** From now on the elements are those of {@code layout} (the plain bytes are stale); frees the one held before. */
    void holdInNativeLayout(NativeLayout layout) {
        NativeLayout previous;
        synchronized (release) {
            previous = release.nativeLayout;
            release.nativeLayout = layout;
        }
        if (previous != null) {
            previous.release();
        }
    }

    Device device() {
        return device;
    }

    /** The device's memory operations; null for host memory. */
    DeviceMemory memory() {
        return memory;
    }

    /** The block itself, for the copies of {@link #memory()} (never dereferenced on the host for a device). */
    MemorySegment block() {
        return release.segment;
    }

    /**
     * One more reference, for a kernel call (a pin) or a new view, taken only while the storage is still alive:
     * a concurrent close() of the last tensor then defers the free until {@link #unpin}, and a storage already
     * freed is never brought back (a plain increment from 0 would hand out freed memory).
     */
    boolean tryPin() {
        while (true) {
            int count = references.get();
            if (count <= 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    void unpin() {
        release();
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            release.explicit = true;
            cleanable.clean();
        }
    }

    /** How many storages were reclaimed by the garbage collector instead of being closed. */
    static long leakedCount() {
        return LEAKS.get();
    }
}
