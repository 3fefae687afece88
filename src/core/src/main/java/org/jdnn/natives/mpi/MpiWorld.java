package org.jdnn.natives.mpi;

import org.jdnn.bindings.mpi.mpi_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * MPI_COMM_WORLD of this process, through the generated bindings: start-up from the environment {@code mpirun}
 * sets, rank and size, and float32 collectives (sum all-reduce in place, broadcast, barrier) on native memory.
 *
 * <p>Every collective is started non-blocking and polled with MPI_Test against a deadline, so a peer that died or
 * hangs becomes an {@link MpiTimeoutException} instead of a process blocked forever in MPI_Allreduce. Errors come
 * back as codes (MPI_ERRORS_RETURN on the communicator), turned into {@link MpiException}s naming the function.
 * Calls are serialised on this object (MPI is initialised with MPI_THREAD_SERIALIZED), so any Java thread may call.
 */
public final class MpiWorld {
    private static MpiWorld instance;

    private final int rank;
    private final int size;
    private final int threadLevel;
    private final MemorySegment comm;
    private final MemorySegment floatType;
    private final MemorySegment sumOp;
    private boolean finalized;

    private MpiWorld(int rank, int size, int threadLevel) {
        this.rank = rank;
        this.size = size;
        this.threadLevel = threadLevel;
        this.comm = MpiHandles.commWorld();
        this.floatType = MpiHandles.floatType();
        this.sumOp = MpiHandles.sumOp();
    }

    /**
     * Loads libmpi and initialises MPI once per process (MPI cannot be initialised twice); later calls return the
     * same world. Without {@code mpirun} Open MPI starts a world of one ("singleton"), which is what a 1-rank run is.
     */
    public static synchronized MpiWorld init() {
        if (instance != null) {
            return instance;
        }
        MpiLibrary.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flag = arena.allocate(JAVA_INT);
            check("MPI_Initialized", mpi_h.MPI_Initialized(flag));
            int provided;
            if (flag.get(JAVA_INT, 0) == 0) {
                MemorySegment out = arena.allocate(JAVA_INT);
                check("MPI_Init_thread", mpi_h.MPI_Init_thread(MemorySegment.NULL, MemorySegment.NULL,
                        mpi_h.MPI_THREAD_SERIALIZED(), out));
                provided = out.get(JAVA_INT, 0);
            } else {
                MemorySegment out = arena.allocate(JAVA_INT);
                check("MPI_Query_thread", mpi_h.MPI_Query_thread(out));
                provided = out.get(JAVA_INT, 0);
            }
            if (provided < mpi_h.MPI_THREAD_SERIALIZED()) {
                // Calls come from whichever Java thread runs backward; they are serialised here, which MPI allows
                // from SERIALIZED up. Below that, MPI may misbehave when the thread changes.
                System.getLogger(MpiWorld.class.getName()).log(System.Logger.Level.WARNING,
                        "MPI provides thread level " + provided + " < MPI_THREAD_SERIALIZED; call it from one thread");
            }
            MemorySegment comm = MpiHandles.commWorld();
            check("MPI_Comm_set_errhandler", mpi_h.MPI_Comm_set_errhandler(comm, MpiHandles.errorsReturn()));
            MemorySegment value = arena.allocate(JAVA_INT);
            check("MPI_Comm_rank", mpi_h.MPI_Comm_rank(comm, value));
            int rank = value.get(JAVA_INT, 0);
            check("MPI_Comm_size", mpi_h.MPI_Comm_size(comm, value));
            instance = new MpiWorld(rank, value.get(JAVA_INT, 0), provided);
            return instance;
        }
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    /** The thread support MPI granted (MPI_THREAD_SINGLE 0 .. MPI_THREAD_MULTIPLE 3). */
    public int threadLevel() {
        return threadLevel;
    }

    /** This host's name as MPI reports it. */
    public synchronized String processorName() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(mpi_h.MPI_MAX_PROCESSOR_NAME());
            MemorySegment length = arena.allocate(JAVA_INT);
            check("MPI_Get_processor_name", mpi_h.MPI_Get_processor_name(name, length));
            return name.getString(0);
        }
    }

    /** An outstanding non-blocking collective: poll it with {@link #test}, finish it with {@link #await}. */
    public final class Request {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment handle = arena.allocate(ADDRESS);
        private final MemorySegment flag = arena.allocate(JAVA_INT);
        private final String operation;
        private boolean done;

        private Request(String operation) {
            this.operation = operation;
        }

        public String operation() {
            return operation;
        }

        public boolean isDone() {
            return done;
        }
    }

    /** Starts summing {@code count} floats at {@code buffer} over all ranks, in place. */
    public synchronized Request startAllReduceSum(MemorySegment buffer, long count) {
        int n = checkCount("all-reduce", buffer, count);
        Request request = new Request("MPI_Iallreduce(sum, " + count + " floats)");
        start(request, mpi_h.MPI_Iallreduce(MpiHandles.IN_PLACE, buffer, n, floatType, sumOp, comm, request.handle));
        return request;
    }

    /** Starts copying {@code count} floats at {@code buffer} from rank {@code root} to every other rank. */
    public synchronized Request startBroadcast(MemorySegment buffer, long count, int root) {
        int n = checkCount("broadcast", buffer, count);
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of a world of " + size);
        }
        Request request = new Request("MPI_Ibcast(" + count + " floats from rank " + root + ")");
        start(request, mpi_h.MPI_Ibcast(buffer, n, floatType, root, comm, request.handle));
        return request;
    }

    /** Starts a barrier. */
    public synchronized Request startBarrier() {
        Request request = new Request("MPI_Ibarrier");
        start(request, mpi_h.MPI_Ibarrier(comm, request.handle));
        return request;
    }

    /** One MPI_Test: drives MPI's progress and says whether the request completed. */
    public synchronized boolean test(Request request) {
        if (request.done) {
            return true;
        }
        checkOpen();
        int code = mpi_h.MPI_Test(request.handle, request.flag, MpiHandles.STATUS_IGNORE);
        if (code != mpi_h.MPI_SUCCESS()) {
            finish(request);
            throw error("MPI_Test for " + request.operation, code);
        }
        if (request.flag.get(JAVA_INT, 0) != 0) {
            finish(request);
        }
        return request.done;
    }

    /**
     * Polls until the request completes or {@code timeout} passes, then throws {@link MpiTimeoutException}. Spins
     * briefly (short collectives finish in microseconds), then yields, then sleeps 50 µs between polls so that
     * ranks sharing cores (mpirun --oversubscribe) leave each other the CPU.
     */
    public void await(Request request, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        for (long polls = 0; !test(request); polls++) {
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new MpiTimeoutException(request.operation + " on rank " + rank + " of " + size, timeout);
            }
            if (polls < 100) {
                Thread.onSpinWait();
            } else if (now - start < 1_000_000) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    /** Sums in place over all ranks, waiting at most {@code timeout}. */
    public void allReduceSum(MemorySegment buffer, long count, Duration timeout) {
        await(startAllReduceSum(buffer, count), timeout);
    }

    public void broadcast(MemorySegment buffer, long count, int root, Duration timeout) {
        await(startBroadcast(buffer, count, root), timeout);
    }

    public void barrier(Duration timeout) {
        await(startBarrier(), timeout);
    }

    /**
     * MPI_Abort on the world: ends every rank (mpirun kills the others and exits non-zero). Prints {@code message}
     * first, as MPI only reports the code. Does not return.
     */
    public void abort(int code, String message) {
        System.err.println(message);
        System.err.flush();
        mpi_h.MPI_Abort(comm, code);
        Runtime.getRuntime().halt(code); // MPI_Abort should not return; if it does, do not carry on
    }

    /** MPI_Finalize; after it no MPI call may be made in this process (MPI cannot be re-initialised). */
    public synchronized void finalizeMpi() {
        if (!finalized) {
            finalized = true;
            check("MPI_Finalize", mpi_h.MPI_Finalize());
        }
    }

    private void start(Request request, int code) {
        if (code != mpi_h.MPI_SUCCESS()) {
            request.arena.close();
            throw error(request.operation, code);
        }
    }

    private static void finish(Request request) {
        request.done = true;
        request.arena.close();
    }

    private int checkCount(String operation, MemorySegment buffer, long count) {
        checkOpen();
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(operation + ": count " + count + " must be in [0, 2^31)");
        }
        if (buffer.byteSize() < count * JAVA_FLOAT.byteSize()) {
            throw new IllegalArgumentException(operation + ": buffer of " + buffer.byteSize() + " bytes is smaller than "
                    + count + " floats");
        }
        if (!buffer.isNative()) {
            throw new IllegalArgumentException(operation + ": buffer must be native memory");
        }
        return (int) count;
    }

    private void checkOpen() {
        if (finalized) {
            throw new IllegalStateException("MPI: already finalized in this process");
        }
    }

    private static void check(String function, int code) {
        if (code != mpi_h.MPI_SUCCESS()) {
            throw error(function, code);
        }
    }

    private static MpiException error(String function, int code) {
        return new MpiException(function, code, errorString(code));
    }

    static String errorString(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(JAVA_BYTE, mpi_h.MPI_MAX_ERROR_STRING());
            MemorySegment length = arena.allocate(JAVA_INT);
            if (mpi_h.MPI_Error_string(code, text, length) != mpi_h.MPI_SUCCESS()) {
                return "unknown MPI error";
            }
            return text.getString(0);
        }
    }
}
