package org.jdnn.backend.reference;

import org.jdnn.backend.Backend;
import org.jdnn.backend.BackendProvider;
import org.jdnn.backend.Backends;
import org.jdnn.tensor.Device;

/** The reference backend's entry: always available, the lowest priority on the CPU. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return Backends.REFERENCE;
    }

    @Override
    public Device.Kind deviceKind() {
        return Device.Kind.CPU;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Backend load() {
        return ReferenceBackend.INSTANCE;
    }
}
