package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.natives.Settings;
import org.jdnn.natives.cuda.CudaLibraries;
import org.jdnn.natives.cuda.CudaUnavailableException;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds backends by name and picks the default one.
 *
 * <p>Default: {@code -Djdnn.backend=NAME} or {@code JDNN_BACKEND=NAME} if set (and then it must load, or
 * this throws with the reason); otherwise oneDNN when it loads, else the reference backend, with one
 * logged warning saying why. {@link #with} overrides the backend for the calling thread.
 */
public final class Backends {
    public static final String REFERENCE = "reference";
    public static final String ONEDNN = "onednn";
    public static final String CUDA = "cuda";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The names this build knows, available or not. */
    public static List<String> names() {
        return List.of(REFERENCE, ONEDNN, CUDA);
    }

    /** The backend ops on this thread use. */
    public static Backend current() {
        Backend override = OVERRIDE.get();
        return override != null ? override : defaultBackend();
    }

    public static Backend defaultBackend() {
        Backend backend = defaultBackend;
        if (backend == null) {
            synchronized (Backends.class) {
                backend = defaultBackend;
                if (backend == null) {
                    backend = chooseDefault();
                    defaultBackend = backend;
                }
            }
        }
        return backend;
    }

    private static Backend chooseDefault() {
        String requested = Settings.value("jdnn.backend", "JDNN_BACKEND");
        if (requested != null) {
            return get(requested);
        }
        Optional<String> why = unavailableReason(ONEDNN);
        if (why.isEmpty()) {
            return get(ONEDNN);
        }
        LOG.log(System.Logger.Level.WARNING, "jdnn: " + why.get() + "; using the reference backend (slow)");
        return ReferenceBackend.INSTANCE;
    }

    /** The backend called {@code name}; throws {@link BackendUnavailableException} with the reason if it cannot run here. */
    public static Backend get(String name) {
        return switch (name) {
            case REFERENCE -> ReferenceBackend.INSTANCE;
            case ONEDNN -> {
                try {
                    yield OneDnnBackend.shared();
                } catch (RuntimeException | LinkageError e) {
                    throw new BackendUnavailableException(ONEDNN, e.getMessage(), e);
                }
            }
            case CUDA -> throw cudaUnavailable();
            default -> throw new IllegalArgumentException("backend: unknown name '" + name + "', expected one of " + names());
        };
    }

    /**
     * CUDA is probed for real (libraries found and loaded, a device present) so the reason is precise; even when
     * it all works the backend's kernels are not written yet, and the message says so.
     */
    private static BackendUnavailableException cudaUnavailable() {
        try {
            CudaLibraries.Loaded cuda = CudaLibraries.load();
            return new BackendUnavailableException(CUDA, cuda + " but the cuda backend's kernels are not part of this"
                    + " build yet (the bindings are: org.jdnn.natives.cuda)", null);
        } catch (CudaUnavailableException e) {
            return new BackendUnavailableException(CUDA, e.getMessage(), e);
        }
    }

    /** Empty if the backend can run here, else why not. */
    public static Optional<String> unavailableReason(String name) {
        try {
            get(name);
            return Optional.empty();
        } catch (BackendUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Runs {@code body} with {@code backend} as this thread's backend. */
    public static <T> T with(Backend backend, Supplier<T> body) {
        Backend previous = OVERRIDE.get();
        OVERRIDE.set(backend);
        try {
            return body.get();
        } finally {
            OVERRIDE.set(previous);
        }
    }

    public static void with(Backend backend, Runnable body) {
        with(backend, () -> {
            body.run();
            return null;
        });
    }
}
