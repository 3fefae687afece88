package org.jdnn.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@link NcclCalls} without a GPU: records each call with its arguments, answers with the statuses a test sets, and
 * hands out a made-up communicator handle.
 */
class FakeNccl implements NcclCalls {
    static final long COMM = 0x5000;

    final List<String> calls = new ArrayList<>();
    byte[] idToCreate = new byte[NcclCommunicator.ID_BYTES];
    byte[] initId;
    int initRanks = -1;
    int initRank = -1;
    int initDevice = -1;
    int allReduceStatus;
    int asyncError;
    /** cudaStreamQuery's answers in turn; the last one repeats. */
    List<Integer> streamStates = new ArrayList<>(List.of(0));
    private int streamQueries;
    Runnable duringInit = () -> { };

    @Override
    public int ncclGetUniqueId(MemorySegment uniqueId) {
        calls.add("ncclGetUniqueId");
        MemorySegment.copy(idToCreate, 0, uniqueId, JAVA_BYTE, 0, idToCreate.length);
        return 0;
    }

    @Override
    public int ncclCommInitRank(MemorySegment comm, int nranks, MemorySegment commId, int rank) {
        duringInit.run();
        calls.add("ncclCommInitRank");
        initRanks = nranks;
        initRank = rank;
        initId = commId.reinterpret(NcclCommunicator.ID_BYTES).toArray(JAVA_BYTE);
        comm.set(ADDRESS, 0, MemorySegment.ofAddress(COMM));
        return 0;
    }

    @Override
    public int ncclAllReduce(MemorySegment sendbuff, MemorySegment recvbuff, long count, int datatype, int op,
                             MemorySegment comm, MemorySegment stream) {
        calls.add("ncclAllReduce send=" + (sendbuff.address() == recvbuff.address() ? "recv" : "other") + " count="
                + count + " datatype=" + datatype + " op=" + op + " comm=0x" + Long.toHexString(comm.address())
                + " stream=0x" + Long.toHexString(stream.address()));
        return allReduceStatus;
    }

    @Override
    public int ncclBroadcast(MemorySegment sendbuff, MemorySegment recvbuff, long count, int datatype, int root,
                             MemorySegment comm, MemorySegment stream) {
        calls.add("ncclBroadcast send=" + (sendbuff.address() == recvbuff.address() ? "recv" : "other") + " count="
                + count + " datatype=" + datatype + " root=" + root + " comm=0x" + Long.toHexString(comm.address())
                + " stream=0x" + Long.toHexString(stream.address()));
        return 0;
    }

    @Override
    public int ncclCommGetAsyncError(MemorySegment comm, MemorySegment asyncError) {
        asyncError.set(JAVA_INT, 0, this.asyncError);
        return 0;
    }

    @Override
    public int ncclCommAbort(MemorySegment comm) {
        calls.add("ncclCommAbort");
        return 0;
    }

    @Override
    public int ncclCommFinalize(MemorySegment comm) {
        calls.add("ncclCommFinalize");
        return 0;
    }

    @Override
    public int ncclCommDestroy(MemorySegment comm) {
        calls.add("ncclCommDestroy");
        return 0;
    }

    @Override
    public String ncclGetErrorString(int result) {
        return result == 4 ? "invalid argument (run with NCCL_DEBUG=WARN for details)" : "remote process exited or there was a network error";
    }

    @Override
    public String ncclGetLastError(MemorySegment comm) {
        return allReduceStatus == 4 ? "Invalid config blocking attribute value -2147483648" : "";
    }

    @Override
    public int cudaSetDevice(int device) {
        initDevice = device;
        return 0;
    }

    @Override
    public int cudaStreamQuery(MemorySegment stream) {
        calls.add("cudaStreamQuery");
        int state = streamStates.get(Math.min(streamQueries, streamStates.size() - 1));
        streamQueries++;
        return state;
    }

    @Override
    public String cudaGetErrorName(int status) {
        return status == 600 ? "cudaErrorNotReady" : "cudaError" + status;
    }
}
