package org.jdnn.backend;

import org.jdnn.natives.Settings;
import org.jdnn.tensor.Device;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finds backends by name ({@link BackendProvider}s on the class path) and picks the default one.
 *
 * <p>Default: {@code -Djdnn.backend=NAME} or {@code JDNN_BACKEND=NAME} if set (and then it must load, or
 * this throws with the reason); otherwise the CPU backend of highest priority that loads (oneDNN, else the
 * reference backend, with one logged warning saying why). {@link #with} overrides the backend for the calling thread.
 */
public final class Backends {
    public static final String REFERENCE = "reference";
    public static final String ONEDNN = "onednn";
    public static final String CUDA = "cuda";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();
    private static final List<BackendProvider> PROVIDERS = ServiceLoader.load(BackendProvider.class,
            Backends.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
    private static final Map<String, Backend> LOADED = new ConcurrentHashMap<>();
    private static final Map<Device.Kind, Backend> DEVICE_BACKENDS = new ConcurrentHashMap<>();
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The names of the backends on the class path, available or not. */
    public static List<String> names() {
        return PROVIDERS.stream().map(BackendProvider::name).toList();
    }

    /** The backend ops on this thread use for CPU tensors. */
    public static Backend current() {
        Backend override = OVERRIDE.get();
        return override != null ? override : defaultBackend();
    }

    /**
     * The backend that runs ops whose operands are on {@code device}: for the CPU the thread's (or the default) backend,
     * for another device the available backend of highest priority for its kind.
     */
    public static Backend forDevice(Device device) {
        if (device.isHost()) {
            Backend current = current();
            if (!current.device().equals(device)) {
                throw new IllegalArgumentException("backend " + current.name() + " runs on " + current.device()
                        + ", but the operands are on " + device + "; move them with to(" + current.device() + ")");
            }
            return current;
        }
        Backend backend = DEVICE_BACKENDS.get(device.kind());
        if (backend == null) {
            backend = DEVICE_BACKENDS.computeIfAbsent(device.kind(), Backends::loadFor);
        }
        return backend;
    }

    private static Backend loadFor(Device.Kind kind) {
        List<BackendProvider> candidates = PROVIDERS.stream().filter(p -> p.deviceKind() == kind)
                .sorted(Comparator.comparingInt(BackendProvider::priority).reversed()).toList();
        BackendUnavailableException last = null;
        for (BackendProvider provider : candidates) {
            try {
                return get(provider.name());
            } catch (BackendUnavailableException e) {
                last = e; // its message already names the backend: "cuda unavailable: <reason>"
            }
        }
        if (last != null) {
            throw last;
        }
        String kindName = kind.name().toLowerCase(java.util.Locale.ROOT);
        throw new BackendUnavailableException(kindName, "no backend for " + kindName + " on the class path", null);
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
        List<BackendProvider> cpu = PROVIDERS.stream().filter(p -> p.deviceKind() == Device.Kind.CPU)
                .sorted(Comparator.comparingInt(BackendProvider::priority).reversed()).toList();
        String skipped = null;
        for (BackendProvider provider : cpu) {
            Optional<String> why = unavailableReason(provider.name());
            if (why.isEmpty()) {
                if (skipped != null) {
                    LOG.log(System.Logger.Level.WARNING, "jdnn: " + skipped + "; using the " + provider.name()
                            + " backend" + (provider.name().equals(REFERENCE) ? " (slow)" : ""));
                }
                return get(provider.name());
            }
            skipped = skipped == null ? why.get() : skipped;
        }
        throw new BackendUnavailableException("cpu", "no CPU backend on the class path loads" + (skipped == null ? ""
                : ": " + skipped), null);
    }

    /** The backend called {@code name}; throws {@link BackendUnavailableException} with the reason if it cannot run here. */
    public static Backend get(String name) {
        Backend loaded = LOADED.get(name);
        if (loaded != null) {
            return loaded;
        }
        BackendProvider provider = PROVIDERS.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        if (provider == null && name.equals(CUDA)) {
            // The GPU backend is a module of its own: known by name, unavailable until it is on the path.
            throw new BackendUnavailableException(name, "the org.jdnn:jdnn-cuda module is not on the class or module "
                    + "path", null);
        }
        if (provider == null) {
            throw new IllegalArgumentException("backend: unknown name '" + name + "', expected one of " + names());
        }
        Backend backend;
        try {
            backend = provider.load();
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException(name, e.getMessage(), e);
        }
        LOADED.putIfAbsent(name, backend);
        return LOADED.get(name);
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

    /** Runs {@code body} with {@code backend} as this thread's backend for CPU tensors. */
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
