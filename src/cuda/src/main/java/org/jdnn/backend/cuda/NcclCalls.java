package org.jdnn.backend.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The NCCL and CUDA runtime calls a {@link NcclCommunicator} makes, one method per C function with its name,
 * argument order and status result. {@link NativeNccl} makes them through the generated bindings; tests drive the
 * communicator's logic (id exchange, arguments, error messages, timeouts) with a fake, without a GPU.
 */
interface NcclCalls {
    int ncclGetUniqueId(MemorySegment uniqueId);

    int ncclCommInitRank(MemorySegment comm, int nranks, MemorySegment commId, int rank);

    int ncclAllReduce(MemorySegment sendbuff, MemorySegment recvbuff, long count, int datatype, int op,
                      MemorySegment comm, MemorySegment stream);

    int ncclBroadcast(MemorySegment sendbuff, MemorySegment recvbuff, long count, int datatype, int root,
                      MemorySegment comm, MemorySegment stream);

    int ncclCommGetAsyncError(MemorySegment comm, MemorySegment asyncError);

    int ncclCommAbort(MemorySegment comm);

    int ncclCommFinalize(MemorySegment comm);

    int ncclCommDestroy(MemorySegment comm);

    /** ncclGetErrorString's text. */
    String ncclGetErrorString(int result);

    /** ncclGetLastError's text for {@code comm} (may be NULL), empty when there is none. */
    String ncclGetLastError(MemorySegment comm);

    int cudaSetDevice(int device);

    /** cudaSuccess (0) when the stream's work is done, cudaErrorNotReady while it runs, else an error. */
    int cudaStreamQuery(MemorySegment stream);

    /** cudaGetErrorName's text, e.g. "cudaErrorNotReady". */
    String cudaGetErrorName(int status);
}
