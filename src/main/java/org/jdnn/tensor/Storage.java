package org.jdnn.tensor;

import org.jdnn.natives.HostMemory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block of native memory shared by a tensor and its views; freed when the last of them is closed.
 * A storage that becomes unreachable without being closed is returned to the allocator by a
 * {@link Cleaner} and counted as a leak ({@link #leakedCount()}), with one warning logged.
 */
final class Storage {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LEAKS = new AtomicLong();
    private static final System.Logger LOG = System.getLogger(Storage.class.getName());

    private final MemorySegment segment;
    private final Device device;
    private final AtomicInteger references = new AtomicInteger(1);
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** The cleaning action; must not refer to the Storage, or it would never become unreachable. */
    private static final class Release implements Runnable {
        private final MemorySegment segment;
        private volatile boolean explicit;

        Release(MemorySegment segment) {
            this.segment = segment;
        }

        @Override
        public void run() {
            HostMemory.release(segment);
            if (!explicit && LEAKS.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, "jdnn: a tensor of " + segment.byteSize()
                        + " bytes was garbage-collected without close(); use try-with-resources or a Scope");
            }
        }
    }

    Storage(long bytes, Device device) {
        if (device.kind() != Device.Kind.CPU) {
            throw new IllegalArgumentException("tensor: device " + device + " has no allocator yet");
        }
        this.segment = HostMemory.allocate(bytes);
        this.device = device;
        this.release = new Release(segment);
        this.cleanable = CLEANER.register(this, release);
    }

    MemorySegment segment() {
        return segment;
    }

    Device device() {
        return device;
    }

    void retain() {
        references.incrementAndGet();
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
