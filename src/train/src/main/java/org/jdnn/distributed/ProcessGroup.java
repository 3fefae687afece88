package org.jdnn.distributed;

import org.jdnn.natives.mpi.MpiLibrary;
import org.jdnn.natives.mpi.MpiTimeoutException;
import org.jdnn.natives.mpi.MpiWorld;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Optional;

/**
 * The processes of one data-parallel job, as PyTorch's default process group: every process {@code mpirun}
 * started, numbered 0 to {@code worldSize - 1}, over MPI (Open MPI through FFM). Collectives work on float32 host
 * tensors in place: {@link #allReduceSum}, {@link #broadcast}, {@link #barrier}.
 *
 * <p>A dead or hung peer never hangs this process: every collective waits at most {@link #timeout()}; past it
 * this process prints which operation on which rank timed out and calls MPI_Abort, which makes mpirun end every
 * rank and exit non-zero. (MPI cannot cancel a collective, so no rank could carry on safely.)
 *
 * <pre>{@code
 * // mpirun -np 2 java ... MyTraining
 * ProcessGroup group = ProcessGroup.init();
 * System.out.println("rank " + group.rank() + " of " + group.worldSize());
 * }</pre>
 */
public final class ProcessGroup {
    /** The exit code of the ranks ended by a timeout (MPI_Abort's errorcode, which mpirun reports). */
    public static final int TIMEOUT_EXIT_CODE = 75;
    /** The default collective timeout: long enough for a slow first step (JIT, primitive creation) on shared cores. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    public static final String TIMEOUT_PROPERTY = "jdnn.distributed.timeout";
    public static final String TIMEOUT_ENV = "JDNN_DISTRIBUTED_TIMEOUT";

    private static ProcessGroup instance;

    private final MpiWorld world;
    private final Duration timeout;

    private ProcessGroup(MpiWorld world, Duration timeout) {
        this.world = world;
        this.timeout = timeout;
    }

    /**
     * Joins the job mpirun started (or a world of one when the process was started without mpirun), with the
     * timeout from {@code -Djdnn.distributed.timeout=SECONDS} or {@code JDNN_DISTRIBUTED_TIMEOUT}, default 5 minutes.
     * Once per process: later calls return the same group.
     */
    public static synchronized ProcessGroup init() {
        String configured = org.jdnn.natives.Settings.value(TIMEOUT_PROPERTY, TIMEOUT_ENV);
        Duration timeout = DEFAULT_TIMEOUT;
        if (configured != null) {
            try {
                timeout = Duration.ofMillis(Math.round(Double.parseDouble(configured) * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(TIMEOUT_PROPERTY + " / " + TIMEOUT_ENV + ": '" + configured
                        + "' is not a number of seconds");
            }
        }
        return init(timeout);
    }

    /** As {@link #init()}, with the collective timeout given. */
    public static synchronized ProcessGroup init(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ProcessGroup.init: timeout " + timeout + " must be positive");
        }
        if (instance == null) {
            instance = new ProcessGroup(MpiWorld.init(), timeout);
        } else if (!instance.timeout.equals(timeout)) {
            instance = new ProcessGroup(instance.world, timeout);
        }
        return instance;
    }

    /** Empty when MPI can be used in this process, else why not (libmpi not installed, ...). */
    public static Optional<String> unavailableReason() {
        return MpiLibrary.unavailableReason();
    }

    /** Whether this process was started by mpirun (Open MPI's or a PMIx launcher's environment is present). */
    public static boolean launchedByMpirun() {
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null || System.getenv("PMIX_RANK") != null;
    }

    public int rank() {
        return world.rank();
    }

    public int worldSize() {
        return world.size();
    }

    /** Whether this is rank 0, the one that writes metrics, plots and checkpoints. */
    public boolean isMain() {
        return world.rank() == 0;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Sums {@code tensor} (float32, on the host) element-wise over all ranks, in place; every rank gets the sum. */
    public void allReduceSum(Tensor tensor) {
        checkTensor("allReduceSum", tensor);
        try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{tensor})) {
            MemorySegment data = TensorAccess.segment(tensor);
            guard(() -> world.allReduceSum(data, tensor.numel(), timeout));
        }
    }

    /** Overwrites {@code tensor} (float32, on the host) on every rank with rank {@code root}'s values. */
    public void broadcast(Tensor tensor, int root) {
        checkTensor("broadcast", tensor);
        try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{tensor})) {
            MemorySegment data = TensorAccess.segment(tensor);
            guard(() -> world.broadcast(data, tensor.numel(), root, timeout));
        }
    }

    /** Waits until every rank has reached this call. */
    public void barrier() {
        guard(() -> world.barrier(timeout));
    }

    /** Sums native floats over all ranks without waiting; for {@link DistributedDataParallel}'s buckets. */
    MpiWorld.Request startAllReduceSum(MemorySegment floats, long count) {
        return world.startAllReduceSum(floats, count);
    }

    /** Drives MPI's progress on a pending request; true once it completed. */
    boolean test(MpiWorld.Request request) {
        return world.test(request);
    }

    void await(MpiWorld.Request request) {
        guard(() -> world.await(request, timeout));
    }

    /**
     * Ends the whole job now: prints {@code message} with this rank's number, then MPI_Abort (mpirun ends the other
     * ranks and exits with {@code exitCode}). For a rank that cannot go on, so that the others do not wait for it.
     */
    public void abort(int exitCode, String message) {
        world.abort(exitCode, "jdnn distributed: rank " + rank() + " of " + worldSize() + ": " + message);
    }

    /** Leaves MPI (MPI_Finalize) after a barrier; call once at the end of a successful run. */
    public void finish() {
        barrier();
        world.finalizeMpi();
    }

    /** A timeout ends every rank (see the class comment); other MPI errors are thrown. */
    private void guard(Runnable collective) {
        try {
            collective.run();
        } catch (MpiTimeoutException e) {
            // The message already names the rank.
            world.abort(TIMEOUT_EXIT_CODE, "jdnn distributed: " + e.getMessage() + "; ending all ranks (MPI_Abort)");
        }
    }

    private static void checkTensor(String operation, Tensor tensor) {
        if (tensor.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("ProcessGroup." + operation + ": tensor " + tensor.shape() + " has dtype "
                    + tensor.dtype() + "; only float32 is reduced over MPI");
        }
        if (!tensor.device().isHost()) {
            throw new IllegalArgumentException("ProcessGroup." + operation + ": tensor " + tensor.shape() + " is on "
                    + tensor.device() + "; only host (cpu) tensors are reduced over MPI (copy it with to(Device.CPU))");
        }
    }
}
