package org.jdnn.backend.cuda;

import org.jdnn.bindings.cudart.cudart_h;
import org.jdnn.bindings.nccl.nccl_h;

import java.lang.foreign.MemorySegment;

/** {@link NcclCalls} through the generated bindings; NCCL must have been loaded ({@code CudaLibraries.loadNccl()}). */
final class NativeNccl implements NcclCalls {
    @Override
    public int ncclGetUniqueId(MemorySegment uniqueId) {
        return nccl_h.ncclGetUniqueId(uniqueId);
    }

    @Override
    public int ncclCommInitRank(MemorySegment comm, int nranks, MemorySegment commId, int rank) {
        return nccl_h.ncclCommInitRank(comm, nranks, commId, rank);
    }

    @Override
    public int ncclAllReduce(MemorySegment sendbuff, MemorySegment recvbuff, long count, int datatype, int op,
                             MemorySegment comm, MemorySegment stream) {
        return nccl_h.ncclAllReduce(sendbuff, recvbuff, count, datatype, op, comm, stream);
    }

    @Override
    public int ncclBroadcast(MemorySegment sendbuff, MemorySegment recvbuff, long count, int datatype, int root,
                             MemorySegment comm, MemorySegment stream) {
        return nccl_h.ncclBroadcast(sendbuff, recvbuff, count, datatype, root, comm, stream);
    }

    @Override
    public int ncclCommGetAsyncError(MemorySegment comm, MemorySegment asyncError) {
        return nccl_h.ncclCommGetAsyncError(comm, asyncError);
    }

    @Override
    public int ncclCommAbort(MemorySegment comm) {
        return nccl_h.ncclCommAbort(comm);
    }

    @Override
    public int ncclCommFinalize(MemorySegment comm) {
        return nccl_h.ncclCommFinalize(comm);
    }

    @Override
    public int ncclCommDestroy(MemorySegment comm) {
        return nccl_h.ncclCommDestroy(comm);
    }

    @Override
    public String ncclGetErrorString(int result) {
        return text(nccl_h.ncclGetErrorString(result));
    }

    @Override
    public String ncclGetLastError(MemorySegment comm) {
        return text(nccl_h.ncclGetLastError(comm));
    }

    @Override
    public int cudaSetDevice(int device) {
        return cudart_h.cudaSetDevice(device);
    }

    @Override
    public int cudaStreamQuery(MemorySegment stream) {
        return cudart_h.cudaStreamQuery(stream);
    }

    @Override
    public String cudaGetErrorName(int status) {
        return text(cudart_h.cudaGetErrorName(status));
    }

    /** A C string the library owns (static or per communicator), empty for NULL. */
    private static String text(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? "" : pointer.reinterpret(4096).getString(0);
    }
}
