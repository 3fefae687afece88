package org.jdnn.distributed;

import org.jdnn.nn.BatchNorm;
import org.jdnn.nn.Module;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.RemovableHandle;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training over the ranks of a {@link ProcessGroup}, as PyTorch's
 * {@code DistributedDataParallel}: each rank runs the wrapped module on its own share of the batch, and after
 * {@code loss.backward()} every rank holds the same gradients, the average of all ranks' — so the optimizer steps
 * keep the replicas identical.
 *
 * <ul>
 *   <li>At construction, rank 0's parameters and buffers are copied to every rank.</li>
 *   <li>Gradients are packed into buckets (see {@link DdpOptions}) in the order backward produces them; a bucket's
 *       all-reduce starts, non-blocking, as soon as its last gradient is accumulated (the parameters'
 *       post-accumulate-grad hooks), so communication overlaps the rest of backward. When the last bucket has
 *       started, the hook waits for all of them and writes sum / worldSize into each gradient.</li>
 *   <li>Batch normalisation uses each rank's own batch statistics, or with {@code syncBatchNorm} those of the global
 *       batch; with {@code broadcastBuffers} (the default) the running statistics are rank 0's, copied before each
 *       training forward.</li>
 *   <li>Every parameter must receive a gradient in every backward pass; one that does not (an unused branch) is
 *       named in the exception of the next forward.</li>
 *   <li>Gradient accumulation: backward passes inside {@link #noSync()} keep their gradients on each rank; the first
 *       backward after it averages the accumulated sums, so several micro-batches cost one all-reduce.</li>
 * </ul>
 *
 * <p>A module on a device (e.g. {@code module.to(Device.cuda(0))}) is synchronised there, through the process
 * group's communicator for that device (NCCL for cuda, as PyTorch's {@code nccl} backend): the broadcasts of
 * parameters and buffers and the gradient buckets' all-reduces run on the device, on the stream the gradients were
 * computed on, and the average is taken there; the end of each backward waits for the reductions (bounded by the
 * group's timeout). A module on the host uses MPI. All parameters and buffers must be float32 on one device.
 *
 * <p>Parameter and state-dict names get the prefix {@code module.}, as in PyTorch; save and load {@link #module()}
 * to keep checkpoints interchangeable with single-process runs.
 *
 * <pre>{@code
 * ProcessGroup group = ProcessGroup.init();
 * try (var model = new DistributedDataParallel(Models.create("lenet", 42), group)) {
 *     Optimizer opt = new Adam(model.parameters(), ...);
 *     Tensor loss = lossFn(model.call(x), y);   // x: this rank's part of the batch
 *     opt.zeroGrad();
 *     loss.backward();                          // gradients now averaged over all ranks
 *     opt.step();
 * }
 * }</pre>
 */
public final class DistributedDataParallel extends Module {
    private final Module module;
    private final ProcessGroup group;
    private final DdpOptions options;
    /** Where the parameters live: the host (MPI) or one device (its collectives). */
    private final Device device;
    private final List<GradientBucket> buckets = new ArrayList<>();
    /** For each parameter tensor: its bucket and index there. */
    private final Map<Tensor, int[]> slots = new IdentityHashMap<>();
    private final List<RemovableHandle> hooks = new ArrayList<>();
    private int started;
    private boolean syncPaused;

    /** The scope of {@link #noSync()}: closing it turns gradient averaging back on. */
    public interface NoSync extends AutoCloseable {
        @Override
        void close();
    }

    public DistributedDataParallel(Module module, ProcessGroup group) {
        this(module, group, DdpOptions.defaults());
    }

    public DistributedDataParallel(Module module, ProcessGroup group, DdpOptions options) {
        if (module == null || group == null || options == null) {
            throw new IllegalArgumentException("DistributedDataParallel: module, group and options must not be null");
        }
        this.module = registerModule("module", module);
        this.group = group;
        this.options = options;
        LinkedHashMap<String, Tensor> parameters = module.namedParameters();
        this.device = parameters.isEmpty() ? Device.CPU : parameters.values().iterator().next().device();
        LinkedHashMap<String, Tensor> trained = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            checkTensor("parameter", name, p, device);
            if (p.requiresGrad()) {
                trained.put(name, p);
            }
        });
        module.namedBuffers().forEach((name, b) -> checkTensor("buffer", name, b, device));
        if (options.syncBatchNorm() && group.worldSize() > 1) {
            module.modules(BatchNorm.class).forEach(bn -> bn.synchronizeStatistics(group::allReduceSum));
        }
        synchronizeState();
        buildBuckets(trained);
        for (Map.Entry<String, Tensor> e : trained.entrySet()) {
            hooks.add(e.getValue().registerPostAccumulateGradHook(this::gradientReady));
        }
    }

    /** The wrapped module (save and load this one in checkpoints). */
    public Module module() {
        return module;
    }

    public ProcessGroup processGroup() {
        return group;
    }

    public DdpOptions options() {
        return options;
    }

    /** The parameter names in each bucket, in bucket order (the order their reductions start). */
    public List<List<String>> bucketNames() {
        return buckets.stream().map(GradientBucket::names).toList();
    }

    /**
     * Pauses gradient averaging until the returned scope is closed, as PyTorch's {@code no_sync()}: backward passes
     * inside it accumulate gradients on each rank alone, and the first backward after it averages the accumulated
     * sums over the ranks.
     *
     * <pre>{@code
     * try (var accumulate = ddp.noSync()) {
     *     lossOf(firstHalf).mul(0.5f).backward();
     * }
     * lossOf(secondHalf).mul(0.5f).backward();   // all-reduces the sum of both halves' gradients
     * optimizer.step();
     * }</pre>
     *
     * @throws IllegalStateException when averaging is already paused (scopes do not nest)
     */
    public NoSync noSync() {
        if (syncPaused) {
            throw new IllegalStateException("DistributedDataParallel.noSync: already inside a noSync scope");
        }
        syncPaused = true;
        return () -> syncPaused = false;
    }

    @Override
    public Tensor forward(Tensor input) {
        checkPreviousPass();
        if (options.broadcastBuffers() && isTraining() && group.worldSize() > 1) {
            broadcastFromRankZero(module.namedBuffers().values());
        }
        return module.call(input);
    }

    /** Copies rank 0's parameters and buffers to every rank (done at construction; call again after loading state on rank 0 only). */
    public void synchronizeState() {
        if (group.worldSize() == 1) {
            return;
        }
        broadcastFromRankZero(module.parameters());
        synchronizeBuffers();
    }

    /**
     * Copies rank 0's buffers (batch-norm running statistics) to every rank: each rank's last training forward
     * updated its statistics with its own share of the batch, so evaluation on several ranks syncs them first.
     */
    public void synchronizeBuffers() {
        if (group.worldSize() == 1) {
            return;
        }
        broadcastFromRankZero(module.namedBuffers().values());
    }

    /** Rank 0's values into {@code tensors} on every rank; on a device all are queued, then waited for once. */
    private void broadcastFromRankZero(java.util.Collection<Tensor> tensors) {
        if (device.isHost() || tensors.isEmpty()) {
            tensors.forEach(t -> group.broadcast(t, 0));
            return;
        }
        DeviceCommunicator communicator = group.deviceCommunicator(device);
        tensors.forEach(t -> communicator.broadcast(t, 0));
        group.await(communicator);
    }

    private void buildBuckets(LinkedHashMap<String, Tensor> trained) {
        // Backward produces the last layers' gradients first: bucket in reverse registration order.
        List<Map.Entry<String, Tensor>> reversed = new ArrayList<>(trained.entrySet()).reversed();
        LinkedHashMap<String, Tensor> current = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<String, Tensor> e : reversed) {
            long size = e.getValue().numel() * 4;
            long cap = buckets.isEmpty() ? options.firstBucketBytes() : options.bucketCapBytes();
            if (!current.isEmpty() && bytes + size > cap) {
                addBucket(current);
                current = new LinkedHashMap<>();
                bytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            bytes += size;
        }
        if (!current.isEmpty()) {
            addBucket(current);
        }
    }

    private void addBucket(LinkedHashMap<String, Tensor> parameters) {
        int bucket = buckets.size();
        if (device.isHost() || group.worldSize() == 1) {
            // One rank reduces nothing (gradientReady returns first): no device communicator is made for it.
            buckets.add(new HostGradientBucket(parameters, group));
        } else {
            DeviceCommunicator communicator = group.deviceCommunicator(device);
            buckets.add(new DeviceGradientBucket(parameters, device, communicator, () -> group.await(communicator)));
        }
        int index = 0;
        for (Tensor p : parameters.values()) {
            slots.put(p, new int[]{bucket, index++});
        }
    }

    /** A parameter's gradient is complete for this pass: pack it, start its bucket when full, finish after the last. */
    private void gradientReady(Tensor parameter) {
        if (group.worldSize() == 1 || syncPaused) {
            return;
        }
        int[] slot = slots.get(parameter);
        GradientBucket bucket = buckets.get(slot[0]);
        if (bucket.add(slot[1])) {
            bucket.start();
            started++;
        }
        for (GradientBucket b : buckets) {
            b.poll();
        }
        if (started == buckets.size()) {
            started = 0;
            for (GradientBucket b : buckets) {
                b.finish();
            }
        }
    }

    /** A pass that left buckets unfilled had parameters without a gradient: say which, instead of hanging. */
    private void checkPreviousPass() {
        List<String> missing = new ArrayList<>();
        for (GradientBucket b : buckets) {
            if (b.partlyFilled() || b.started()) {
                missing.addAll(b.missing());
            }
        }
        if (!missing.isEmpty() || started > 0) {
            buckets.forEach(GradientBucket::reset);
            started = 0;
            throw new IllegalStateException("DistributedDataParallel: parameters " + missing + " got no gradient in"
                    + " the last backward pass, so their gradients were not averaged over the ranks; every trained"
                    + " parameter must contribute to the loss (freeze the others with requiresGrad(false) before"
                    + " wrapping)");
        }
    }

    private static void checkTensor(String kind, String name, Tensor t, Device device) {
        if (t.dtype() != DType.FLOAT32 || !t.device().equals(device)) {
            throw new IllegalArgumentException("DistributedDataParallel: " + kind + " '" + name + "' is " + t.dtype()
                    + " on " + t.device() + "; every parameter and buffer must be float32 on one device (the first"
                    + " parameter is on " + device + ")");
        }
    }

    @Override
    public void close() {
        hooks.forEach(RemovableHandle::remove);
        hooks.clear();
        buckets.forEach(GradientBucket::close);
        buckets.clear();
        super.close();
    }
}
