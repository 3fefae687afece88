package org.jdnn.backend.sim;

import org.jdnn.backend.Backend;
import org.jdnn.backend.BackendProvider;
import org.jdnn.tensor.Device;

/** The simulated device's backend entry: always available, for tests of the device paths. */
public final class SimBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "sim";
    }

    @Override
    public Device.Kind deviceKind() {
        return Device.Kind.SIM;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Backend load() {
        return SimBackend.INSTANCE;
    }
}
