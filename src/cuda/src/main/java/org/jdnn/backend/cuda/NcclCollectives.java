package org.jdnn.backend.cuda;

import org.jdnn.backend.DeviceCollectives;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.natives.cuda.CudaLibraries;
import org.jdnn.tensor.Device;

import java.time.Duration;
import java.util.Optional;

/**
 * Collectives on {@code cuda} tensors through NCCL ({@code libnccl.so.2}, loaded on first use by
 * {@link CudaLibraries#loadNccl()}), found by the distributed layer as a service. Each process drives the one GPU
 * this backend runs on ({@code cuda:0} of the devices the process sees; a launcher gives each rank its own GPU with
 * {@code CUDA_VISIBLE_DEVICES}, see docs/DISTRIBUTED.md).
 */
public final class NcclCollectives implements DeviceCollectives {
    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            CudaDevice.get();
            CudaLibraries.loadNccl();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public DeviceCommunicator connect(Device device, int rank, int worldSize, IdExchange ids, Duration timeout) {
        CudaDevice.requireIndex(device.index());
        CudaDevice.get();
        CudaLibraries.loadNccl();
        return NcclCommunicator.connect(new NativeNccl(), device, CudaDevice.INDEX, rank, worldSize, ids, timeout,
                () -> CudaThread.current().stream(), System::nanoTime);
    }
}
