package org.jdnn.backend.cuda;

import org.jdnn.backend.CollectiveTimeoutException;
import org.jdnn.bindings.nccl.nccl_h;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The NCCL communicator's logic against {@link FakeNccl}, no GPU needed: the id exchange and ncclCommInitRank's
 * arguments, the arguments of ncclAllReduce and ncclBroadcast, NCCL errors as messages, and the timeouts. Tensors
 * live on the {@code sim} device, whose blocks have addresses as a GPU's do.
 */
class NcclCommunicatorTest {
    private static final MemorySegment STREAM = MemorySegment.ofAddress(0x7000);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** A clock that moves one second per reading: the timeout comes after a fixed number of polls. */
    private static final class Ticks {
        long now;

        long next() {
            return now += 1_000_000_000L;
        }
    }

    private static NcclCommunicator connect(FakeNccl nccl, int rank, int worldSize, List<byte[]> exchanged,
                                            byte[] idFromRankZero) {
        Ticks ticks = new Ticks();
        return NcclCommunicator.connect(nccl, Device.SIM, 0, rank, worldSize, id -> {
            exchanged.add(id.clone()); // what this rank hands to the broadcast
            if (rank != 0) {
                System.arraycopy(idFromRankZero, 0, id, 0, id.length);
            }
        }, TIMEOUT, () -> STREAM, ticks::next);
    }

    private static byte[] sampleId() {
        byte[] id = new byte[NcclCommunicator.ID_BYTES];
        for (int i = 0; i < id.length; i++) {
            id[i] = (byte) (i * 7 + 3);
        }
        return id;
    }

    @Test
    void rankZeroCreatesTheIdAndEveryRankInitialisesWithThoseBytes() {
        FakeNccl zero = new FakeNccl();
        zero.idToCreate = sampleId();
        List<byte[]> sent = new ArrayList<>();
        connect(zero, 0, 2, sent, null);

        assertEquals(128, NcclCommunicator.ID_BYTES, "ncclUniqueId is 128 bytes");
        assertEquals(List.of("ncclGetUniqueId", "ncclCommInitRank"), zero.calls);
        assertArrayEquals(sampleId(), sent.getFirst(), "rank 0 broadcasts the id it created");
        assertArrayEquals(sampleId(), zero.initId);
        assertEquals(2, zero.initRanks);
        assertEquals(0, zero.initRank);
        assertEquals(0, zero.initDevice, "cudaSetDevice before ncclCommInitRank");

        FakeNccl one = new FakeNccl();
        List<byte[]> received = new ArrayList<>();
        connect(one, 1, 2, received, sampleId());

        assertEquals(List.of("ncclCommInitRank"), one.calls, "rank 1 creates no id of its own");
        assertArrayEquals(new byte[128], received.getFirst(), "rank 1 passes an empty array to be filled");
        assertArrayEquals(sampleId(), one.initId, "rank 1 joins with rank 0's id");
        assertEquals(2, one.initRanks);
        assertEquals(1, one.initRank);
    }

    @Test
    void allReduceSumIsOneInPlaceNcclAllReduceOfFloat32SumOnTheThreadsStream() {
        FakeNccl nccl = new FakeNccl();
        try (NcclCommunicator comm = connect(nccl, 0, 2, new ArrayList<>(), null);
             Tensor t = Tensor.of(1f, 2f, 3f, 4f, 5f, 6f).reshape(2, 3).to(Device.SIM)) {
            nccl.calls.clear();
            comm.allReduceSum(t);

            assertEquals(List.of("ncclAllReduce send=recv count=6 datatype=7 op=0 comm=0x5000 stream=0x7000"),
                    nccl.calls);
        }
        assertEquals(7, nccl_h.ncclFloat32());
        assertEquals(0, nccl_h.ncclSum());
    }

    @Test
    void broadcastIsOneInPlaceNcclBroadcastFromTheRoot() {
        FakeNccl nccl = new FakeNccl();
        try (NcclCommunicator comm = connect(nccl, 1, 3, new ArrayList<>(), sampleId());
             Tensor t = Tensor.zeros(DType.FLOAT32, Device.SIM, 5)) {
            nccl.calls.clear();
            comm.broadcast(t, 2);

            assertEquals(List.of("ncclBroadcast send=recv count=5 datatype=7 root=2 comm=0x5000 stream=0x7000"),
                    nccl.calls);
            assertThrows(IllegalArgumentException.class, () -> comm.broadcast(t, 3));
        }
    }

    @Test
    void dtypesMapToNcclDatatypes() {
        assertEquals(nccl_h.ncclFloat32(), NcclCommunicator.dataType(DType.FLOAT32));
        assertEquals(nccl_h.ncclFloat64(), NcclCommunicator.dataType(DType.FLOAT64));
        assertEquals(nccl_h.ncclInt64(), NcclCommunicator.dataType(DType.INT64));
        assertEquals(nccl_h.ncclBfloat16(), NcclCommunicator.dataType(DType.BFLOAT16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NcclCommunicator.dataType(DType.BOOL));
        assertEquals("NCCL: no datatype for bool", e.getMessage());
    }

    @Test
    void statusNamesFollowNcclResultT() {
        assertEquals("ncclSuccess", NcclException.statusName(nccl_h.ncclSuccess()));
        assertEquals("ncclInvalidArgument", NcclException.statusName(nccl_h.ncclInvalidArgument()));
        assertEquals("ncclRemoteError", NcclException.statusName(nccl_h.ncclRemoteError()));
        assertEquals("ncclInProgress", NcclException.statusName(nccl_h.ncclInProgress()));
        assertEquals("ncclTimeout", NcclException.statusName(nccl_h.ncclTimeout()));
        assertEquals("ncclResult 42", NcclException.statusName(42));
    }

    @Test
    void aFailedCallNamesTheCallTheStatusAndNcclsText() {
        FakeNccl nccl = new FakeNccl();
        nccl.allReduceStatus = 4;
        try (NcclCommunicator comm = connect(nccl, 0, 2, new ArrayList<>(), null);
             Tensor t = Tensor.zeros(DType.FLOAT32, Device.SIM, 3)) {
            NcclException e = assertThrows(NcclException.class, () -> comm.allReduceSum(t));

            assertEquals("ncclAllReduce: ncclInvalidArgument (4), invalid argument (run with NCCL_DEBUG=WARN for"
                    + " details): Invalid config blocking attribute value -2147483648", e.getMessage());
            assertEquals(4, e.status());
        }
    }

    @Test
    void anAsynchronousErrorAbortsTheCommunicatorAndIsThrownByAwait() {
        FakeNccl nccl = new FakeNccl();
        nccl.streamStates = List.of(600);
        NcclCommunicator comm = connect(nccl, 0, 2, new ArrayList<>(), null);
        try (Tensor t = Tensor.zeros(DType.FLOAT32, Device.SIM, 4)) {
            comm.allReduceSum(t);
            nccl.asyncError = nccl_h.ncclRemoteError();
            NcclException e = assertThrows(NcclException.class, comm::await);

            assertEquals("ncclAllReduce(sum, 4 float32) on rank 0 of 2 (ncclCommGetAsyncError): ncclRemoteError (6),"
                    + " remote process exited or there was a network error", e.getMessage());
            assertEquals("ncclCommAbort", nccl.calls.getLast());
            IllegalStateException after = assertThrows(IllegalStateException.class, () -> comm.allReduceSum(t));
            assertEquals("NCCL communicator on sim was aborted after ncclAllReduce(sum, 4 float32)", after.getMessage());
        }
        comm.close();
        assertEquals("ncclCommAbort", nccl.calls.getLast(), "an aborted communicator is not destroyed again");
    }

    @Test
    void awaitPastTheTimeoutAbortsTheCommunicatorAndSaysWhatHung() {
        FakeNccl nccl = new FakeNccl();
        nccl.streamStates = List.of(600);
        NcclCommunicator comm = connect(nccl, 1, 2, new ArrayList<>(), sampleId());
        try (Tensor t = Tensor.zeros(DType.FLOAT32, Device.SIM, 4)) {
            comm.allReduceSum(t);
            nccl.calls.clear();
            CollectiveTimeoutException e = assertThrows(CollectiveTimeoutException.class, comm::await);

            assertEquals("ncclAllReduce(sum, 4 float32) on rank 1 of 2 (sim) did not complete within 3.0 s;"
                    + " communicator aborted (ncclCommAbort)", e.getMessage());
            // The clock moves 1 s per reading and the deadline is 3 s after the first: the third poll is past it.
            assertEquals(List.of("cudaStreamQuery", "cudaStreamQuery", "cudaStreamQuery", "ncclCommAbort"), nccl.calls);
        }
    }

    @Test
    void theFakesStreamStatesAreTheRuntimes() {
        assertEquals(0, NcclCommunicator.CUDA_SUCCESS);
        assertEquals(600, NcclCommunicator.CUDA_ERROR_NOT_READY);
    }

    @Test
    void awaitReturnsOnceTheStreamIsDone() {
        FakeNccl nccl = new FakeNccl();
        nccl.streamStates = List.of(600, 600, 0);
        try (NcclCommunicator comm = connect(nccl, 0, 2, new ArrayList<>(), null)) {
            nccl.calls.clear();
            comm.await();
            assertEquals(List.of("cudaStreamQuery", "cudaStreamQuery", "cudaStreamQuery"), nccl.calls);
        }
    }

    @Test
    void closeWaitsThenFinalizesAndDestroys() {
        FakeNccl nccl = new FakeNccl();
        NcclCommunicator comm = connect(nccl, 0, 2, new ArrayList<>(), null);
        nccl.calls.clear();
        comm.close();
        comm.close();

        assertEquals(List.of("cudaStreamQuery", "ncclCommFinalize", "ncclCommDestroy"), nccl.calls);
        try (Tensor t = Tensor.zeros(DType.FLOAT32, Device.SIM, 1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> comm.allReduceSum(t));
            assertEquals("NCCL communicator on sim is closed", e.getMessage());
        }
    }

    @Test
    void aTensorOnAnotherDeviceIsRefused() {
        FakeNccl nccl = new FakeNccl();
        try (NcclCommunicator comm = connect(nccl, 0, 2, new ArrayList<>(), null);
             Tensor t = Tensor.zeros(3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> comm.allReduceSum(t));
            assertEquals("NCCL allReduceSum: tensor [3] is on cpu; this communicator reduces tensors on sim",
                    e.getMessage());
        }
    }

    @Test
    void anInitThatNeverReturnsEndsWithATimeoutNamingTheRank() throws Exception {
        FakeNccl nccl = new FakeNccl();
        CountDownLatch never = new CountDownLatch(1);
        nccl.duringInit = () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            CollectiveTimeoutException e = assertThrows(CollectiveTimeoutException.class, () ->
                    NcclCommunicator.connect(nccl, Device.SIM, 0, 1, 2, id -> { }, Duration.ofMillis(50),
                            () -> STREAM, System::nanoTime));
            assertEquals("ncclCommInitRank(2 ranks, rank 1) on sim did not complete within 0.1 s: a rank did not join"
                    + " (the helper thread stays blocked in NCCL; end the process)", e.getMessage());
        } finally {
            never.countDown();
        }
    }

    @Test
    void aRankOutsideTheGroupIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> connect(new FakeNccl(), 2, 2, new ArrayList<>(), null));
        assertEquals("NCCL communicator: rank 2 of 2 is not a rank of the group", e.getMessage());
    }
}
