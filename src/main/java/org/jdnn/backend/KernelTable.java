package org.jdnn.backend;

import org.jdnn.ops.Op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A backend's kernels, one per op, each with its declared fallback (if any). A backend fills its table once, when
 * it is created; the dispatcher looks kernels up by {@link Op#id()}.
 *
 * <p>Ops named in {@code disabled} (an op's name or family, or {@code all}) always take the table's debugging
 * fallback, the reference backend: the kill switch that tells a native bug from a jdnn bug.
 */
public final class KernelTable {
    /** One op's kernel in this table. */
    public record Entry<P>(Op<P> op, Kernel<P> kernel, List<Fallback<P>> fallbacks) {
    }

    private final String backend;
    private final Set<String> disabled;
    private Entry<?>[] entries = new Entry<?>[64];

    /** An empty table for {@code backend}; {@code disabled} ops are routed to the reference backend. */
    public KernelTable(String backend, Set<String> disabled) {
        this.backend = backend;
        this.disabled = Set.copyOf(disabled);
    }

    public String backend() {
        return backend;
    }

    /** Registers {@code op}'s kernel, with the fallbacks it needs, in the order they are checked. */
    @SafeVarargs
    public final <P> KernelTable put(Op<P> op, Kernel<P> kernel, Fallback<P>... fallbacks) {
        if (op.id() >= entries.length) {
            entries = Arrays.copyOf(entries, Math.max(op.id() + 1, entries.length * 2));
        }
        if (entries[op.id()] != null) {
            throw new IllegalStateException(backend + ": a kernel for " + op + " is registered twice");
        }
        List<Fallback<P>> all = new ArrayList<>();
        if (isDisabled(op)) {
            all.add(Fallback.toReference("disabled by jdnn." + backend + ".disable", (p, in, out) -> true));
        }
        all.addAll(List.of(fallbacks));
        entries[op.id()] = new Entry<>(op, kernel, List.copyOf(all));
        return this;
    }

    /** Registers {@code other}'s kernels here too (a backend running another's kernels on its own device). */
    public KernelTable putAll(KernelTable other) {
        for (Entry<?> e : other.entries) {
            if (e != null) {
                copy(e);
            }
        }
        return this;
    }

    private <P> void copy(Entry<P> e) {
        put(e.op(), e.kernel());
    }

    private boolean isDisabled(Op<?> op) {
        return disabled.contains("all") || disabled.contains(op.name()) || disabled.contains(op.family());
    }

    /** The entry for {@code op}, or null when this backend has no kernel for it. */
    @SuppressWarnings("unchecked")
    public <P> Entry<P> entry(Op<P> op) {
        Entry<?>[] table = entries;
        return op.id() < table.length ? (Entry<P>) table[op.id()] : null;
    }

    /** The names the kill switch takes here: every registered op's name and family. */
    public Set<String> names() {
        Set<String> names = new java.util.TreeSet<>();
        for (Entry<?> e : entries) {
            if (e != null) {
                names.add(e.op().name());
                names.add(e.op().family());
            }
        }
        return names;
    }

    /** Throws IllegalArgumentException naming {@code setting} unless each disabled name is {@code all} or in {@link #names}. */
    public void requireKnownDisabled(String setting) {
        Set<String> known = names();
        for (String name : disabled) {
            if (!name.equals("all") && !known.contains(name)) {
                throw new IllegalArgumentException(setting + ": unknown op '" + name + "', expected some of " + known
                        + " or all");
            }
        }
    }

    /** The ops that have a kernel here, in registration order of their declarations. */
    public List<Op<?>> ops() {
        List<Op<?>> ops = new ArrayList<>();
        for (Entry<?> e : entries) {
            if (e != null) {
                ops.add(e.op());
            }
        }
        return ops;
    }
}
