package org.jdnn.tensor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hooks in registration order, each removable through its handle (the same function registered twice is two entries).
 * Safe to register or remove while another thread iterates a {@link #snapshot()}.
 */
public final class Hooks<H> {
    private final CopyOnWriteArrayList<Entry<H>> entries = new CopyOnWriteArrayList<>();

    /** One registration (identity equality: the same function registered twice is two entries). */
    private static final class Entry<H> {
        private final H hook;

        Entry(H hook) {
            this.hook = hook;
        }

        H hook() {
            return hook;
        }
    }

    /** Registers {@code hook} last; the handle removes this registration. */
    public RemovableHandle add(H hook, String owner) {
        if (hook == null) {
            throw new IllegalArgumentException(owner + ": hook is null");
        }
        Entry<H> entry = new Entry<>(hook);
        entries.add(entry);
        return new RemovableHandle(() -> entries.remove(entry));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The hooks registered now, in order. */
    public List<H> snapshot() {
        return entries.stream().map(Entry::hook).toList();
    }
}
