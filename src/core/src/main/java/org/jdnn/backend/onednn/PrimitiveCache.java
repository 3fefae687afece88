package org.jdnn.backend.onednn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Primitives by key (op, shapes, params, thread count), least recently used first out. Creating a primitive
 * costs milliseconds (JIT), executing it microseconds, so every shape is created once; the capacity
 * ({@code jdnn.onednn.cacheCapacity}, default 1024) keeps varying batch sizes from growing memory without bound.
 */
final class PrimitiveCache implements AutoCloseable {
    private final int capacity;
    private final LinkedHashMap<Object, CachedPrimitive> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long creations;

    PrimitiveCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("oneDNN primitive cache: capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** The cached primitive for {@code key}, created under this cache's lock if absent. */
    synchronized CachedPrimitive get(Object key, Supplier<CachedPrimitive> create) {
        CachedPrimitive entry = entries.get(key);
        if (entry == null) {
            entry = create.get();
            creations++;
            entries.put(key, entry);
            if (entries.size() > capacity) {
                Map.Entry<Object, CachedPrimitive> eldest = entries.entrySet().iterator().next();
                entries.remove(eldest.getKey());
                eldest.getValue().close();
            }
        }
        return entry;
    }

    synchronized int size() {
        return entries.size();
    }

    /** How many primitives were created (cache misses) so far. */
    synchronized long creations() {
        return creations;
    }

    @Override
    public synchronized void close() {
        entries.values().forEach(CachedPrimitive::close);
        entries.clear();
    }
}
