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
}
