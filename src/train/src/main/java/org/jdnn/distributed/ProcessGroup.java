package org.jdnn.distributed;

import org.jdnn.backend.CollectiveTimeoutException;
import org.jdnn.backend.DeviceCollectives;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.natives.mpi.MpiLibrary;
import org.jdnn.natives.mpi.MpiTimeoutException;
import org.jdnn.natives.mpi.MpiWorld;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The processes of one data-parallel job, as PyTorch's default process group: every process {@code mpirun}
 * started, numbered 0 to {@code worldSize - 1}, over MPI (Open MPI through FFM). Collectives work on float32
 * tensors in place: {@link #allReduceSum}, {@link #broadcast}, {@link #barrier}. Host tensors go over MPI; tensors on a
 * device go through that device's collectives (NCCL for {@code cuda}, found as a
 * {@link DeviceCollectives} service), on one communicator per device made on first use
 * ({@link #deviceCommunicator}) and closed by {@link #finish()}.
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
    private final Map<Device, DeviceCommunicator> communicators;

    private ProcessGroup(MpiWorld world, Duration timeout, Map<Device, DeviceCommunicator> communicators) {
        this.world = world;
        this.timeout = timeout;
        this.communicators = communicators;
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
            instance = new ProcessGroup(MpiWorld.init(), timeout, new LinkedHashMap<>());
        } else if (!instance.timeout.equals(timeout)) {
            // Communicators already made keep the timeout they were made with.
            instance = new ProcessGroup(instance.world, timeout, instance.communicators);
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

    /**
     * Sums {@code tensor} (float32) element-wise over all ranks, in place; every rank gets the sum. A tensor on a
     * device is reduced there (NCCL for cuda), and this returns when the sum is complete.
     */
    public void allReduceSum(Tensor tensor) {
        checkTensor("allReduceSum", tensor);
        if (!tensor.device().isHost()) {
            DeviceCommunicator communicator = deviceCommunicator(tensor.device());
            communicator.allReduceSum(tensor);
            await(communicator);
            return;
        }
        try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{tensor})) {
            MemorySegment data = TensorAccess.segment(tensor);
            guard(() -> world.allReduceSum(data, tensor.numel(), timeout));
        }
    }

    /** Overwrites {@code tensor} (float32, host or device) on every rank with rank {@code root}'s values. */
    public void broadcast(Tensor tensor, int root) {
        checkTensor("broadcast", tensor);
        if (!tensor.device().isHost()) {
            DeviceCommunicator communicator = deviceCommunicator(tensor.device());
            communicator.broadcast(tensor, root);
            await(communicator);
            return;
        }
        try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{tensor})) {
            MemorySegment data = TensorAccess.segment(tensor);
            guard(() -> world.broadcast(data, tensor.numel(), root, timeout));
        }
    }

    /**
     * This group's communicator for tensors on {@code device}, made on first use, collectively: every rank must ask
     * for it at the same point (DistributedDataParallel does, at construction). Rank 0's connection id travels over
     * MPI. Throws, naming the device and the reason, where the device has no collectives here.
     */
    public synchronized DeviceCommunicator deviceCommunicator(Device device) {
        if (device.isHost()) {
            throw new IllegalArgumentException("ProcessGroup.deviceCommunicator: " + device + " tensors go over MPI");
        }
        DeviceCommunicator existing = communicators.get(device);
        if (existing != null) {
            return existing;
        }
        DeviceCollectives collectives = DeviceCollectives.forKind(device.kind()).orElseThrow(() ->
                new IllegalStateException("ProcessGroup: no collectives for " + device + " tensors on the module path"
                        + " (the " + device.kind().name().toLowerCase(java.util.Locale.ROOT) + " backend module is"
                        + " missing)"));
        collectives.unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("ProcessGroup: collectives on " + device + " unavailable: " + reason);
        });
        DeviceCommunicator[] made = new DeviceCommunicator[1];
        guardDevice(() -> made[0] = collectives.connect(device, rank(), worldSize(), this::broadcastBytes, timeout));
        communicators.put(device, made[0]);
        return made[0];
    }

    /** Waits for the device collectives this thread queued; a timeout ends every rank as MPI timeouts do. */
    void await(DeviceCommunicator communicator) {
        guardDevice(communicator::await);
    }

    /**
     * Rank 0's bytes to every rank (a device communicator's connection id). Sent as floats, the one MPI type this
     * binding moves: a broadcast copies the bits unchanged between processes of one architecture.
     */
    private void broadcastBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("ProcessGroup: " + bytes.length + " id bytes are not whole floats");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(bytes.length, Float.BYTES);
            MemorySegment.copy(bytes, 0, data, JAVA_BYTE, 0, bytes.length);
            guard(() -> world.broadcast(data, bytes.length / Float.BYTES, 0, timeout));
            MemorySegment.copy(data, JAVA_BYTE, 0, bytes, 0, bytes.length);
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

    /**
     * Closes the device communicators (each waits for its queued collectives), then leaves MPI (MPI_Finalize) after
     * a barrier; call once at the end of a successful run.
     */
    public synchronized void finish() {
        List<DeviceCommunicator> open = new ArrayList<>(communicators.values());
        communicators.clear();
        for (DeviceCommunicator communicator : open) {
            guardDevice(communicator::close);
        }
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

    /** A device collective's timeout ends every rank, as an MPI timeout does; its other errors are thrown. */
    private void guardDevice(Runnable collective) {
        try {
            collective.run();
        } catch (CollectiveTimeoutException e) {
            world.abort(TIMEOUT_EXIT_CODE, "jdnn distributed: " + e.getMessage() + "; ending all ranks (MPI_Abort)");
        }
    }

    private static void checkTensor(String operation, Tensor tensor) {
        if (tensor.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("ProcessGroup." + operation + ": tensor " + tensor.shape() + " has dtype "
                    + tensor.dtype() + "; only float32 is reduced");
        }
    }
}
