package org.jdnn.distributed;

import org.jdnn.backend.DeviceCollectives;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Collectives for the {@code sim} device, for tests of the device path of {@link ProcessGroup} and
 * {@link DistributedDataParallel} under mpirun without a GPU: the connection id is a random 128 bytes of rank 0's
 * (checked on every rank), and each collective copies the tensor to the host, reduces it over MPI and copies it back
 * (what NCCL does on the device for cuda).
 */
public final class SimCollectives implements DeviceCollectives {
    static final int ID_BYTES = 128;

    @Override
    public Device.Kind kind() {
        return Device.Kind.SIM;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public DeviceCommunicator connect(Device device, int rank, int worldSize, IdExchange ids, Duration timeout) {
        byte[] id = new byte[ID_BYTES];
        if (rank == 0) {
            new SplittableRandom(ProcessHandle.current().pid()).nextBytes(id);
        }
        ids.broadcastFromRankZero(id);
        ProcessGroup group = ProcessGroup.init();
        // Every rank must now hold rank 0's bytes: the sums of the ids are worldSize times each rank's.
        try (Tensor mine = Tensor.of(asFloats(id)); Tensor sum = Tensor.of(asFloats(id));
             Tensor expectedSum = mine.mul((float) worldSize)) {
            group.allReduceSum(sum);
            float[] expected = expectedSum.toFloatArray();
            if (!Arrays.equals(expected, sum.toFloatArray())) {
                throw new AssertionError("rank " + rank + " got another connection id than rank 0's");
            }
        }
        System.out.println("sim collectives: rank " + rank + " of " + worldSize + " joined with rank 0's id");
        return new Communicator(group, device);
    }

    private static float[] asFloats(byte[] bytes) {
        float[] floats = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            floats[i] = bytes[i];
        }
        return floats;
    }

    private record Communicator(ProcessGroup group, Device device) implements DeviceCommunicator {
        @Override
        public int rank() {
            return group.rank();
        }

        @Override
        public int worldSize() {
            return group.worldSize();
        }

        @Override
        public void allReduceSum(Tensor tensor) {
            try (Tensor host = tensor.to(Device.CPU)) {
                group.allReduceSum(host);
                tensor.copyFrom(host);
            }
        }

        @Override
        public void broadcast(Tensor tensor, int root) {
            try (Tensor host = tensor.to(Device.CPU)) {
                group.broadcast(host, root);
                tensor.copyFrom(host);
            }
        }

        @Override
        public void await() {
        }

        @Override
        public void close() {
        }
    }
}
