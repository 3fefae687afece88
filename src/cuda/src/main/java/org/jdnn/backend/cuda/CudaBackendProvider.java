package org.jdnn.backend.cuda;

import org.jdnn.backend.Backend;
import org.jdnn.backend.BackendProvider;
import org.jdnn.backend.BackendUnavailableException;
import org.jdnn.backend.Backends;
import org.jdnn.natives.cuda.CudaUnavailableException;
import org.jdnn.tensor.Device;

/**
 * The CUDA backend's entry: CUDA is probed for real (libraries found and loaded, a device present), so an unavailable
 * backend says precisely why.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static volatile CudaBackend backend;

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
            synchronized (CudaBackendProvider.class) {
                if (backend == null) {
                    backend = new CudaBackend(CudaDevice.get(), CudaBackend.disabledOps());
                }
                return backend;
            }
        } catch (CudaUnavailableException e) {
            throw new BackendUnavailableException(Backends.CUDA, e.getMessage(), e);
        }
    }
}
