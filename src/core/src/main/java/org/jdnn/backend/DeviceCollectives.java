package org.jdnn.backend;

import org.jdnn.tensor.Device;

import java.time.Duration;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Collectives on the memory of one kind of device (NCCL for {@code cuda}), for data-parallel training of a model
 * that lives on a device. A device backend module provides one in
 * {@code META-INF/services/org.jdnn.backend.DeviceCollectives}; the core names no implementation, and the
 * distributed layer asks {@link #forKind} for its tensors' device kind (host tensors stay on MPI).
 *
 * <p>Communicators are made collectively: every rank calls {@link #connect} with the same world size, and the
 * caller's host process group carries rank 0's connection id to the others ({@link IdExchange}).
 */
public interface DeviceCollectives {
    /** The kind of device whose tensors this reduces. */
    Device.Kind kind();

    /** Empty when communicators can be made on this machine, else why not (library missing, no device, ...). */
    Optional<String> unavailableReason();

    /**
     * Joins the communicator of {@code worldSize} ranks on {@code device}: rank 0 creates the connection id,
     * {@code ids} hands it to every rank, then every rank connects. Waits at most {@code timeout} for the others;
     * past it throws {@link CollectiveTimeoutException}.
     */
    DeviceCommunicator connect(Device device, int rank, int worldSize, IdExchange ids, Duration timeout);

    /** Hands rank 0's connection id to every rank, over the host process group. */
    @FunctionalInterface
    interface IdExchange {
        /**
         * Collective: every rank passes an array of the id's length, rank 0's holding the id; on return every
         * rank's array holds rank 0's bytes.
         */
        void broadcastFromRankZero(byte[] id);
    }

    /** The provider for {@code kind} on the module path or class path, if any. */
    static Optional<DeviceCollectives> forKind(Device.Kind kind) {
        return ServiceLoader.load(DeviceCollectives.class, DeviceCollectives.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.kind() == kind)
                .findFirst();
    }
}
