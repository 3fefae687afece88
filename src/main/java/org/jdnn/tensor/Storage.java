package org.jdnn.tensor;

import org.jdnn.natives.HostMemory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block of native memory shared by a tensor and its views; freed when the last of them is closed.
 * The elements may for a while live in a backend's {@link NativeLayout} instead of the plain bytes; the plain
 * bytes are brought up to date on the first access to {@link #segment()}.
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
        /** Where the elements live while the plain bytes are stale; null when the plain bytes are current. */
        private NativeLayout nativeLayout;

        Release(MemorySegment segment) {
            this.segment = segment;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (nativeLayout != null) {
                    nativeLayout.release();
                    nativeLayout = null;
                }
            }
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

    /** The plain bytes, first copied back from a native layout if the elements are held in one. */
    MemorySegment segment() {
        synchronized (release) {
            NativeLayout held = release.nativeLayout;
            if (held != null) {
                release.nativeLayout = null;
                try {
                    held.copyToPlain(segment);
                } finally {
                    held.release();
                }
            }
        }
        return segment;
    }

    /** Where the plain bytes are (possibly stale: nothing is copied back). */
    long plainAddress() {
        return segment.address();
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
