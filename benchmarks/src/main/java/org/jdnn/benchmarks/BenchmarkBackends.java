package org.jdnn.benchmarks;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.onednn.OneDnnBackend;

/**
 * Backend lookup for the benchmarks, with a guard: a oneDNN benchmark that silently ran the reference
 * (library missing, kill switch on) would report meaningless numbers, so it fails in setup instead.
 */
final class BenchmarkBackends {
    private BenchmarkBackends() {
    }

    /** The backend called {@code name}; throws with the reason when it cannot run here. */
    static Backend get(String name) {
        return Backends.get(name);
    }

    /**
     * Runs {@code call} once outside the measurement (so oneDNN creates and caches its primitive) and, for
     * the oneDNN backend, checks that a native primitive of {@code op} really executed.
     */
    static void warmUpOnce(Backend backend, String op, Runnable call) {
        if (!(backend instanceof OneDnnBackend onednn)) {
            call.run();
            return;
        }
        long before = onednn.nativeExecutions(op);
        call.run();
        if (onednn.nativeExecutions(op) == before) {
            throw new IllegalStateException("benchmark: onednn did not execute a native " + op
                    + " primitive (is -D" + OneDnnBackend.DISABLE_PROPERTY + " set?); the numbers would be the reference's");
        }
    }

    /**
     * {@link #warmUpOnce}, and for oneDNN also prints the implementation of every primitive the call created,
     * tagged with {@code what} (e.g. "conv1 forward"), so the log of a run says which kernel was measured.
     */
    static void warmUpAndReport(Backend backend, String op, String what, Runnable call) {
        report(backend, what, () -> warmUpOnce(backend, op, call));
    }

    /**
     * Runs {@code call} (a setup step that may create a primitive, e.g. sizing a pooling workspace) and for
     * oneDNN prints the implementation of every primitive it created, tagged with {@code what}.
     */
    static void report(Backend backend, String what, Runnable call) {
        if (backend instanceof OneDnnBackend) {
            OneDnnImplementations.print(what, call);
        } else {
            call.run();
        }
    }
}
