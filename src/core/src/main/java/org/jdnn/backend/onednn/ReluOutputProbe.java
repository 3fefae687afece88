package org.jdnn.backend.onednn;

import org.jdnn.natives.HostMemory;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.DnnlStream;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Whether a oneDNN ReLU primitive (negative slope 0) writes neither NaN nor -Inf, whatever its input, so that a max
 * pooling of its output can skip {@link SpecialValues}' scan (its {@link BlockedCopy} says so). {@code max(x, 0)} of a
 * finite or +Inf input is neither; what the primitive makes of NaN and -Inf depends on its implementation (the jit
 * kernels compute {@code vmaxps(x, 0)}, which gives 0 for both; a reference one computing {@code x * 0} below zero
 * would give NaN), so each primitive is probed once: it runs over buffers full of NaN (either sign) and of -Inf, and
 * its outputs are scanned. Each element is computed alone, so a buffer full of one value covers every position.
 * The answers are kept per primitive key (the layout and size are part of it); a full table is simply cleared.
 *
 * <p>PyTorch's ReLU keeps NaN, so the jit kernels' 0 is a difference of the ReLU's own. A ReLU made to keep NaN
 * would get the answer false here and bring max pooling's scan back, unless it computed the mark in its own pass
 * (whether its input held a NaN).
 */
final class ReluOutputProbe {
    private static final int CAPACITY = 64;
    private static final int[] SPECIAL_BITS = {0x7fc00000, 0xffc00000, 0xff800000}; // NaN, -NaN, -Inf
    private static final Map<Object, Boolean> ANSWERS = new ConcurrentHashMap<>();

    private ReluOutputProbe() {
    }

    /**
     * Whether the primitive cached under {@code key} (made by {@code create}; input and output of {@code bytes} each)
     * never writes NaN or -Inf; probed on the first call for the key.
     */
    static boolean neverWritesNaNOrNegativeInfinity(OneDnnBackend backend, Object key, Supplier<CachedPrimitive> create,
                                                    long bytes) {
        Boolean known = ANSWERS.get(key);
        if (known != null) {
            return known;
        }
        boolean answer = probe(backend, key, create, bytes);
        if (ANSWERS.size() >= CAPACITY) {
            ANSWERS.clear();
        }
        ANSWERS.put(key, answer);
        return answer;
    }

    private static boolean probe(OneDnnBackend backend, Object key, Supplier<CachedPrimitive> create, long bytes) {
        MemorySegment in = HostMemory.allocate(bytes);
        MemorySegment out = HostMemory.allocate(bytes);
        // Its own stream, and not through backend.execute: a probe is no execution of the op to count.
        ThreadCount.applyToCurrentThread();
        try (DnnlStream stream = DnnlStream.create(backend.engine())) {
            for (int bits : SPECIAL_BITS) {
                for (long i = 0, n = bytes / Integer.BYTES; i < n; i++) {
                    in.setAtIndex(JAVA_INT, i, bits);
                }
                out.fill((byte) 0); // an implementation that skips a blocked layout's padding leaves zeros there
                // false: evicted by another thread between lookup and execute; look it up again.
                while (!backend.cachedPrimitive(key, create).execute(stream, in, out)) {
                    Thread.onSpinWait();
                }
                if (SpecialValues.anyNaNOrNegativeInfinity(out, bytes / Float.BYTES)) {
                    return false;
                }
            }
            return true;
        } finally {
            HostMemory.release(in);
            HostMemory.release(out);
        }
    }
}
