package org.jdnn.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Frees the temporaries made inside it: every tensor created on this thread while the scope is the
 * innermost open one is closed when the scope closes, unless it was handed out with {@link #keep}.
 *
 * <pre>{@code
 * try (Scope scope = Scope.open()) {
 *     Tensor hidden = Ops.relu(Ops.matmul(x, w));   // closed at the end of the block
 *     result = scope.keep(Ops.matmul(hidden, v));   // survives it
 * }
 * }</pre>
 * Scopes nest and must be closed in reverse order of opening, on the thread that opened them.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread owner = Thread.currentThread();
    private final List<Tensor> tensors = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
    }

    /** Opens a scope nested in the current one (if any) and makes it current. */
    public static Scope open() {
        Scope scope = new Scope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** Runs {@code body} with no scope in effect: tensors it creates belong to the caller (e.g. parameters, gradients). */
    public static <T> T untracked(java.util.function.Supplier<T> body) {
        Scope current = CURRENT.get();
        CURRENT.set(null);
        try {
            return body.get();
        } finally {
            CURRENT.set(current);
        }
    }

    static void track(Tensor tensor) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            scope.tensors.add(tensor);
        }
    }

    /** Takes {@code tensor} out of this scope: it moves to the enclosing scope, or is the caller's to close if none. */
    public Tensor keep(Tensor tensor) {
        if (tensors.remove(tensor) && parent != null) {
            parent.tensors.add(tensor);
        }
        return tensor;
    }

    /** The number of tensors this scope will close. */
    public int size() {
        return tensors.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("Scope: closed on " + Thread.currentThread().getName()
                    + " but opened on " + owner.getName());
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("Scope: closed out of order (an inner scope is still open)");
        }
        closed = true;
        CURRENT.set(parent);
        for (int i = tensors.size() - 1; i >= 0; i--) {
            tensors.get(i).close();
        }
        tensors.clear();
    }
}
