package org.jdnn.backend;

import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;

/**
 * One process's end of a communicator over the same device kind on every rank (see {@link DeviceCollectives}).
 * The collectives take float32 tensors on {@link #device()} and work in place. They are queued after the device work
 * the calling thread has queued (the tensors' stream) and return without waiting, so later work of that thread sees
 * their result; {@link #await()} waits for them on the host, within the timeout the communicator was made with.
 */
public interface DeviceCommunicator extends AutoCloseable {
    Device device();

    int rank();

    int worldSize();

    /** Sums {@code tensor} element-wise over all ranks, in place; every rank gets the sum. */
    void allReduceSum(Tensor tensor);

    /** Overwrites {@code tensor} on every rank with rank {@code root}'s values. */
    void broadcast(Tensor tensor, int root);

    /**
     * Waits until everything the calling thread queued on the device, the collectives included, has completed. An
     * error a peer or the network reported is thrown here; past the timeout the communicator is aborted and
     * {@link CollectiveTimeoutException} thrown (the device's queue may then hold unfinished work: end the process).
     */
    void await();

    /** Releases the communicator (every rank closes its end; no collective may be pending). */
    @Override
    void close();
}
