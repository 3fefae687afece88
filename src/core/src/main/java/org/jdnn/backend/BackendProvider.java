package org.jdnn.backend;

import org.jdnn.tensor.Device;

/**
 * How a backend on the class path makes itself known: listed in
 * {@code META-INF/services/org.jdnn.backend.BackendProvider} and found with {@link java.util.ServiceLoader}, so the
 * core imports no implementation. {@link Backends} asks each provider for its backend on first use.
 */
public interface BackendProvider {
    /** The backend's name ("reference", "onednn", "cuda"). */
    String name();

    /** The kind of device its kernels run on. */
    Device.Kind deviceKind();

    /** Among the backends of one device kind that load, the highest priority is the default. */
    int priority();

    /** The backend, loading its native libraries if needed; throws with the reason when it cannot run here. */
    Backend load();
}
