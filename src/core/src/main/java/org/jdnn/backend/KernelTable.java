package org.jdnn.backend;

import org.jdnn.ops.Op;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A backend's kernels, one per op, each with its declared fallback (if any). A backend fills its table once, when
 * it is created; the dispatcher looks kernels up by {@link Op#id()}.
 *
 * <p>Ops named in {@code disabled} (an op's name or family, or {@code all}) always take the table's debugging
 * fallback, the reference backend: the kill switch that tells a native bug from a jdnn bug.
 *
 * <p>A table may declare the dtypes its kernels take ({@code nativeDTypes}, float32 on oneDNN): a call with any input or
 * output of another dtype (float64, int64, bool) takes the reference's kernel, a fallback declared here once for every
 * kernel of the table and counted as any other. A kernel that takes more is registered with {@link #putAccepting}.
 */
public final class KernelTable {
    /** One op's kernel in this table. */
    public record Entry<P>(Op<P> op, Kernel<P> kernel, List<Fallback<P>> fallbacks) {
        /** False when every call takes a fallback (registered with {@link #putViaHost}, or disabled). */
        public boolean hasOwnKernel() {
            return fallbacks.stream().noneMatch(Fallback::isAlways);
        }
    }

    private final String backend;
    private final Set<String> disabled;
    private final Set<DType> nativeDTypes;
    private final boolean viaHost;
    private Entry<?>[] entries = new Entry<?>[64];

    /** An empty table for {@code backend}; {@code disabled} ops are routed to the reference backend. */
    public KernelTable(String backend, Set<String> disabled) {
        this(backend, disabled, EnumSet.allOf(DType.class));
    }

    /**
     * An empty table for {@code backend} whose kernels take operands of {@code nativeDTypes} only (unless registered
     * with {@link #putAccepting}); a call with another dtype falls back to the reference backend.
     */
    public KernelTable(String backend, Set<String> disabled, Set<DType> nativeDTypes) {
        this(backend, disabled, nativeDTypes, false);
    }

    /**
     * As {@link #KernelTable(String, Set, Set)}, for a device host code cannot read when {@code viaHost}: the table's
     * own fallbacks (disabled ops, other dtypes) and {@link #putViaHost} then reach the reference's kernel through
     * host copies of the operands ({@link Fallback#viaHost}).
     */
    public KernelTable(String backend, Set<String> disabled, Set<DType> nativeDTypes, boolean viaHost) {
        this.backend = backend;
        this.disabled = Set.copyOf(disabled);
        this.nativeDTypes = nativeDTypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nativeDTypes));
        this.viaHost = viaHost;
    }

    /** A fallback of the table itself: to the reference, through the host where the table's device needs it. */
    private <P> Fallback<P> toReference(String reason, Fallback.Condition<P> when) {
        return viaHost ? Fallback.viaHost(reason, when) : Fallback.toReference(reason, when);
    }

    /** The dtypes this table's kernels take unless registered with {@link #putAccepting}. */
    public Set<DType> nativeDTypes() {
        return nativeDTypes;
    }

    public String backend() {
        return backend;
    }

    /** Registers {@code op}'s kernel, with the fallbacks it needs, in the order they are checked. */
    @SafeVarargs
    public final <P> KernelTable put(Op<P> op, Kernel<P> kernel, Fallback<P>... fallbacks) {
        return putAccepting(op, nativeDTypes, kernel, fallbacks);
    }

    /**
     * Registers {@code op}'s kernel as taking operands of {@code dtypes} (beyond the table's native ones, e.g. a oneDNN
     * kernel writing int64 indices); a call with an operand of another dtype falls back to the reference backend.
     */
    @SafeVarargs
    public final <P> KernelTable putAccepting(Op<P> op, Set<DType> dtypes, Kernel<P> kernel, Fallback<P>... fallbacks) {
        if (op.id() >= entries.length) {
            entries = Arrays.copyOf(entries, Math.max(op.id() + 1, entries.length * 2));
        }
        if (entries[op.id()] != null) {
            throw new IllegalStateException(backend + ": a kernel for " + op + " is registered twice");
        }
        List<Fallback<P>> all = new ArrayList<>();
        if (isDisabled(op)) {
            all.add(toReference("disabled by jdnn." + backend + ".disable", Fallback.always()));
        }
        if (!dtypes.containsAll(EnumSet.allOf(DType.class))) {
            // Checked before the kernel's own fallbacks, which may read the operands as float32 (NaN checks).
            all.add(dtypeFallback(dtypes));
        }
        all.addAll(List.of(fallbacks));
        entries[op.id()] = new Entry<>(op, kernel, List.copyOf(all));
        return this;
    }

    /**
     * Registers {@code op} with no kernel of its own here: every call takes the reference's kernel through host
     * copies of its operands ({@link Fallback#viaHost}), declared and counted as any fallback, until a kernel of
     * this backend replaces it.
     */
    public <P> KernelTable putViaHost(Op<P> op) {
        String reason = "no " + backend + " kernel yet: runs on the host";
        return put(op, (p, in, out) -> {
            throw new IllegalStateException(op + ": " + backend + " has no kernel of its own (" + reason + ")");
        }, Fallback.viaHost(reason, Fallback.always()));
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

    private static final String DTYPE_REASON = "an operand's dtype is not ";

    /** Whether {@code fallback} is the table's fallback for operands of a dtype its kernel does not take. */
    public static boolean isDTypeFallback(Fallback<?> fallback) {
        return fallback.reason().startsWith(DTYPE_REASON);
    }

    /** The one fallback for operands of a dtype outside {@code dtypes}, to the reference backend. */
    private <P> Fallback<P> dtypeFallback(Set<DType> dtypes) {
        Set<DType> taken = dtypes.isEmpty() ? Set.of() : EnumSet.copyOf(dtypes);
        String names = taken.stream().sorted().map(DType::toString).collect(Collectors.joining(", "));
        return toReference(DTYPE_REASON + (taken.size() == 1 ? names : "one of " + names),
                (p, in, out) -> outside(taken, in) || outside(taken, out));
    }

    private static boolean outside(Set<DType> dtypes, Tensor[] tensors) {
        for (Tensor t : tensors) {
            if (t != null && !dtypes.contains(t.dtype())) {
                return true;
            }
        }
        return false;
    }

    private <P> void copy(Entry<P> e) {
        put(e.op(), e.kernel());
    }

    /** Removes {@code op}'s kernel; for a test that registers a test op's kernel and must leave the table as it was. */
    void remove(Op<?> op) {
        if (op.id() < entries.length) {
            entries[op.id()] = null;
        }
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
