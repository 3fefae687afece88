package org.jdnn.backend.cuda;

import org.jdnn.backend.CollectiveTimeoutException;
import org.jdnn.backend.DeviceCollectives;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.bindings.cudart.cudart_h;
import org.jdnn.bindings.nccl.nccl_h;
import org.jdnn.bindings.nccl.ncclUniqueId;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One rank's NCCL communicator on its GPU. Made collectively ({@link #connect}): rank 0 calls ncclGetUniqueId, the
 * 128-byte id goes to every rank over the host process group, and every rank calls
 * ncclCommInitRank(worldSize, id, rank) with its device current. The collectives are queued on the calling thread's
 * stream (the one the tensors were computed on), in place.
 *
 * <p>Nothing waits forever: ncclCommInitRank blocks until every rank has joined, so it runs on a helper thread that
 * the caller waits for at most the timeout; {@link #await()} polls the stream and ncclCommGetAsyncError, and past the
 * timeout (or on an asynchronous error) calls ncclCommAbort and throws. Either way the process cannot go on with the
 * GPU (a helper thread may still sit in ncclCommInitRank, the stream may hold unfinished kernels): the process group
 * ends the job.
 */
final class NcclCommunicator implements DeviceCommunicator {
    static final int ID_BYTES = (int) ncclUniqueId.layout().byteSize();
    static final int CUDA_SUCCESS = cudart_h.cudaSuccess();
    static final int CUDA_ERROR_NOT_READY = cudart_h.cudaErrorNotReady();
    /** How long {@link #await()} parks between polls of the stream: short against a step, long against a poll. */
    private static final long POLL_NANOS = 20_000;

    private final NcclCalls calls;
    private final Device device;
    private final int rank;
    private final int worldSize;
    private final Duration timeout;
    private final Supplier<MemorySegment> stream;
    private final LongSupplier clock;
    private MemorySegment comm;
    private boolean aborted;
    /** The last collective queued, for the timeout's message. */
    private String lastQueued = "no collective";

    private NcclCommunicator(NcclCalls calls, Device device, int rank, int worldSize, Duration timeout,
                             MemorySegment comm, Supplier<MemorySegment> stream, LongSupplier clock) {
        this.calls = calls;
        this.device = device;
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
        this.comm = comm;
        this.stream = stream;
        this.clock = clock;
    }

    /**
     * The collective setup: the id from rank 0 through {@code ids}, then ncclCommInitRank on a helper thread with
     * device {@code ordinal} current, waited for at most {@code timeout}.
     *
     * @param stream the calling thread's stream, for the collectives
     * @param clock  nanoseconds, for {@link #await()}'s deadline
     */
    static NcclCommunicator connect(NcclCalls calls, Device device, int ordinal, int rank, int worldSize,
                                    DeviceCollectives.IdExchange ids, Duration timeout,
                                    Supplier<MemorySegment> stream, LongSupplier clock) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("NCCL communicator: rank " + rank + " of " + worldSize
                    + " is not a rank of the group");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("NCCL communicator: timeout " + timeout + " must be positive");
        }
        byte[] id = new byte[ID_BYTES];
        if (rank == 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment unique = arena.allocate(ncclUniqueId.layout());
                check(calls, calls.ncclGetUniqueId(unique), "ncclGetUniqueId", MemorySegment.NULL);
                MemorySegment.copy(unique, JAVA_BYTE, 0, id, 0, ID_BYTES);
            }
        }
        ids.broadcastFromRankZero(id);
        String what = "ncclCommInitRank(" + worldSize + " ranks, rank " + rank + ") on " + device;
        CompletableFuture<MemorySegment> init = CompletableFuture.supplyAsync(
                () -> initRank(calls, ordinal, worldSize, id, rank), NcclCommunicator::daemon);
        try {
            MemorySegment comm = init.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return new NcclCommunicator(calls, device, rank, worldSize, timeout, comm, stream, clock);
        } catch (TimeoutException e) {
            throw new CollectiveTimeoutException(what + " did not complete within " + seconds(timeout)
                    + " s: a rank did not join (the helper thread stays blocked in NCCL; end the process)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    /** Runs on the helper thread: the CUDA runtime keeps the current device per thread. */
    private static MemorySegment initRank(NcclCalls calls, int ordinal, int worldSize, byte[] id, int rank) {
        int status = calls.cudaSetDevice(ordinal);
        if (status != CUDA_SUCCESS) {
            throw new IllegalStateException("cudaSetDevice(" + ordinal + ") before ncclCommInitRank: "
                    + calls.cudaGetErrorName(status) + " (" + status + ")");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment unique = arena.allocate(ncclUniqueId.layout());
            MemorySegment.copy(id, 0, unique, JAVA_BYTE, 0, ID_BYTES);
            MemorySegment out = arena.allocate(ADDRESS);
            check(calls, calls.ncclCommInitRank(out, worldSize, unique, rank), "ncclCommInitRank", MemorySegment.NULL);
            return out.get(ADDRESS, 0);
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "nccl-comm-init");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public void allReduceSum(Tensor tensor) {
        checkTensor("allReduceSum", tensor);
        int type = dataType(tensor.dtype());
        try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{tensor})) {
            MemorySegment data = TensorAccess.segment(tensor);
            lastQueued = "ncclAllReduce(sum, " + tensor.numel() + " " + tensor.dtype() + ")";
            check(calls, calls.ncclAllReduce(data, data, tensor.numel(), type, nccl_h.ncclSum(), comm, stream.get()),
                    "ncclAllReduce", comm);
        }
    }

    @Override
    public void broadcast(Tensor tensor, int root) {
        checkTensor("broadcast", tensor);
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("NCCL broadcast: root " + root + " is not a rank of " + worldSize);
        }
        int type = dataType(tensor.dtype());
        try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{tensor})) {
            MemorySegment data = TensorAccess.segment(tensor);
            lastQueued = "ncclBroadcast(root " + root + ", " + tensor.numel() + " " + tensor.dtype() + ")";
            check(calls, calls.ncclBroadcast(data, data, tensor.numel(), type, root, comm, stream.get()),
                    "ncclBroadcast", comm);
        }
    }

    @Override
    public void await() {
        checkOpen();
        MemorySegment s = stream.get();
        long deadline = clock.getAsLong() + timeout.toNanos();
        while (true) {
            int status = calls.cudaStreamQuery(s);
            if (status == CUDA_SUCCESS) {
                checkAsyncError();
                return;
            }
            if (status != CUDA_ERROR_NOT_READY) {
                throw new IllegalStateException("cudaStreamQuery after " + lastQueued + " on rank " + rank + " of "
                        + worldSize + ": " + calls.cudaGetErrorName(status) + " (" + status + ")");
            }
            checkAsyncError();
            if (clock.getAsLong() - deadline >= 0) {
                abort();
                throw new CollectiveTimeoutException(lastQueued + " on rank " + rank + " of " + worldSize + " ("
                        + device + ") did not complete within " + seconds(timeout) + " s; communicator aborted"
                        + " (ncclCommAbort)");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** A peer or the network failed: NCCL reports it here, not in the return value of the queued call. */
    private void checkAsyncError() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(calls, calls.ncclCommGetAsyncError(comm, out), "ncclCommGetAsyncError", comm);
            int async = out.get(JAVA_INT, 0);
            if (async != nccl_h.ncclSuccess() && async != nccl_h.ncclInProgress()) {
                String detail = calls.ncclGetLastError(comm);
                abort();
                throw new NcclException(lastQueued + " on rank " + rank + " of " + worldSize
                        + " (ncclCommGetAsyncError)", async, calls.ncclGetErrorString(async), detail);
            }
        }
    }

    private void abort() {
        if (!aborted) {
            aborted = true;
            calls.ncclCommAbort(comm); // frees the communicator whatever its state; nothing more to report
        }
    }

    /** Waits for the queued collectives, then ncclCommFinalize and ncclCommDestroy; an aborted one is already freed. */
    @Override
    public void close() {
        if (comm == null) {
            return;
        }
        try {
            if (!aborted) {
                await();
                check(calls, calls.ncclCommFinalize(comm), "ncclCommFinalize", comm);
                check(calls, calls.ncclCommDestroy(comm), "ncclCommDestroy", MemorySegment.NULL);
            }
        } finally {
            comm = null;
        }
    }

    /** NCCL's datatype for a dtype; the float32 of gradients and parameters is ncclFloat32. */
    static int dataType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> nccl_h.ncclFloat32();
            case FLOAT64 -> nccl_h.ncclFloat64();
            case INT64 -> nccl_h.ncclInt64();
            case INT32 -> nccl_h.ncclInt32();
            case BFLOAT16 -> nccl_h.ncclBfloat16();
            case FLOAT16 -> nccl_h.ncclFloat16();
            default -> throw new IllegalArgumentException("NCCL: no datatype for " + dtype);
        };
    }

    private void checkTensor(String operation, Tensor tensor) {
        checkOpen();
        if (!tensor.device().equals(device)) {
            throw new IllegalArgumentException("NCCL " + operation + ": tensor " + tensor.shape() + " is on "
                    + tensor.device() + "; this communicator reduces tensors on " + device);
        }
    }

    private void checkOpen() {
        if (comm == null) {
            throw new IllegalStateException("NCCL communicator on " + device + " is closed");
        }
        if (aborted) {
            throw new IllegalStateException("NCCL communicator on " + device + " was aborted after " + lastQueued);
        }
    }

    private static void check(NcclCalls calls, int status, String call, MemorySegment comm) {
        if (status != nccl_h.ncclSuccess()) {
            throw new NcclException(call, status, calls.ncclGetErrorString(status), calls.ncclGetLastError(comm));
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
