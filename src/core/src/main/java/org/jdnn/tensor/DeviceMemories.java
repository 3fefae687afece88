package org.jdnn.tensor;

import java.util.List;
import java.util.ServiceLoader;

/** The {@link DeviceMemory} providers on the class path, one per non-host device kind. */
final class DeviceMemories {
    private static final List<DeviceMemory> PROVIDERS = ServiceLoader.load(DeviceMemory.class,
            DeviceMemories.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    private DeviceMemories() {
    }

    static DeviceMemory of(Device device) {
        for (DeviceMemory memory : PROVIDERS) {
            if (memory.kind() == device.kind()) {
                return memory;
            }
        }
        throw new IllegalArgumentException("tensor: no memory for device " + device + " on the class path (is its"
                + " backend missing or unavailable?)");
    }
}
