package org.jdnn.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A tensor's elements held in a backend's own memory layout (e.g. oneDNN's channel-blocked nChw8c) instead of
 * the plain row-major bytes, so that consecutive native ops skip the reorders to and from plain. It stands in
 * for the plain bytes, which are stale while a storage holds one: the first access to the plain bytes
 * ({@link TensorAccess#segment}, any read or write from Java) copies it back and drops it. Backends attach one
 * to an output they wrote ({@link TensorAccess#holdInNativeLayout}) and look for one on an input
 * ({@link TensorAccess#nativeLayout}).
 */
public interface NativeLayout {
    /** Writes the elements, in plain row-major order, into {@code plain} (the storage's own bytes). */
    void copyToPlain(MemorySegment plain);

    /** Frees what this holds; called once, when it is copied back, replaced, or its storage freed. */
    void release();
}
