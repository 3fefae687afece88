package org.jdnn.distributed;

import org.jdnn.backend.CollectiveTimeoutException;
import org.jdnn.backend.DeviceCollectives;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.natives.mpi.MpiWorld;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Collectives for the {@code sim} device, for tests of the device path of {@link ProcessGroup} and
 * {@link DistributedDataParallel} under mpirun without a GPU: the connection id is a random 128 bytes of rank 0's
 * (checked on every rank), and each collective copies the tensor to the host, reduces it over MPI and copies it back
 * (what NCCL does on the device for cuda); an all-reduce is queued and completed by {@code await()}, within the
 * timeout, as NCCL's.
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
        return new Communicator(group, device, timeout);
    }

    private static float[] asFloats(byte[] bytes) {
        float[] floats = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            floats[i] = bytes[i];
        }
        return floats;
    }

    /**
     * Sums as NCCL does, queued without waiting: {@link #allReduceSum} starts a non-blocking MPI all-reduce of a
     * host copy, {@link #await()} polls it against the deadline (past it: {@link CollectiveTimeoutException}, as
     * NcclCommunicator) and copies the sum back into the tensor.
     */
    private static final class Communicator implements DeviceCommunicator {
        private final ProcessGroup group;
        private final Device device;
        private final Duration timeout;
        private final List<Pending> pending = new ArrayList<>();

        private record Pending(Tensor tensor, Arena arena, MemorySegment host, MpiWorld.Request request) {
        }

        Communicator(ProcessGroup group, Device device, Duration timeout) {
            this.group = group;
            this.device = device;
            this.timeout = timeout;
        }

        @Override
        public Device device() {
            return device;
        }

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
            Arena arena = Arena.ofShared();
            MemorySegment host = arena.allocateFrom(JAVA_FLOAT, tensor.toFloatArray());
            pending.add(new Pending(tensor, arena, host, group.startAllReduceSum(host, tensor.numel())));
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
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Pending p : pending) {
                while (!group.test(p.request())) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new CollectiveTimeoutException("sim all-reduce of " + p.tensor().numel() + " floats on"
                                + " rank " + rank() + " of " + worldSize() + " did not complete within "
                                + timeout.toSeconds() + " s");
                    }
                    LockSupport.parkNanos(50_000);
                }
                try (Tensor sum = Tensor.of(p.host().toArray(JAVA_FLOAT))) {
                    p.tensor().copyFrom(sum);
                }
                p.arena().close();
            }
            pending.clear();
        }

        @Override
        public void close() {
            await();
        }
    }
}
