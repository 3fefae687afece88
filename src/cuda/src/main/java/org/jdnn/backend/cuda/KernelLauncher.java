package org.jdnn.backend.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Launches a compiled kernel by name: {@link LoadedKernels} on a GPU; a recorder in the tests, which check the
 * names, geometry and argument bytes {@link CompiledKernels} produces without one.
 */
@FunctionalInterface
public interface KernelLauncher {
    void launch(String kernel, LaunchGeometry geometry, MemorySegment stream, KernelArguments arguments);
}
