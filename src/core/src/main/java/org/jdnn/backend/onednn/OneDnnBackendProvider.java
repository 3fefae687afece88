package org.jdnn.backend.onednn;

import org.jdnn.backend.Backend;
import org.jdnn.backend.BackendProvider;
import org.jdnn.backend.Backends;
import org.jdnn.tensor.Device;

/** The oneDNN backend's entry: the CPU default wherever libdnnl loads. */
public final class OneDnnBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return Backends.ONEDNN;
    }

    @Override
    public Device.Kind deviceKind() {
        return Device.Kind.CPU;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Backend load() {
        return OneDnnBackend.shared();
    }
}
