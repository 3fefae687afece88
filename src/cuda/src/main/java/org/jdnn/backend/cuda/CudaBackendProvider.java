package org.jdnn.backend.cuda;

import org.jdnn.backend.Backend;
import org.jdnn.backend.BackendProvider;
import org.jdnn.backend.BackendUnavailableException;
import org.jdnn.backend.Backends;
import org.jdnn.natives.cuda.CudaLibraries;
import org.jdnn.natives.cuda.CudaUnavailableException;
import org.jdnn.tensor.Device;

/**
 * The CUDA backend's entry. CUDA is probed for real (libraries found and loaded, a device present) so the reason is
 * precise; even when it all works the backend's kernels are not written yet, and the message says so.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return Backends.CUDA;
    }

    @Override
    public Device.Kind deviceKind() {
        return Device.Kind.CUDA;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Backend load() {
        try {
            CudaLibraries.Loaded cuda = CudaLibraries.load();
            throw new BackendUnavailableException(Backends.CUDA, cuda + " but the cuda backend's kernels are not part of"
                    + " this build yet (the bindings are: org.jdnn.natives.cuda)", null);
        } catch (CudaUnavailableException e) {
            throw new BackendUnavailableException(Backends.CUDA, e.getMessage(), e);
        }
    }
}
