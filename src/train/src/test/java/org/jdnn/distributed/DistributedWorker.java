package org.jdnn.distributed;

import org.jdnn.Jdnn;
import org.jdnn.data.DataLoader;
import org.jdnn.data.Dataset;
import org.jdnn.data.InMemoryDataset;
import org.jdnn.loss.Losses;
import org.jdnn.nn.BatchNorm1d;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.Evaluation;
import org.jdnn.train.LossFunction;
import org.jdnn.train.Trainer;
import org.jdnn.train.checkpoint.Checkpoint;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The program {@link DistributedTrainingTest} starts under mpirun. Modes:
 * <ul>
 *   <li>{@code train STEPS OUT [--save DIR] [--resume DIR] [--device D]}: trains a small MLP for STEPS steps of a
 *       global batch of {@link #GLOBAL_BATCH} samples, each rank on its share, with Adam; rank 0 writes the parameters
 *       to OUT (and a checkpoint to DIR with --save); --resume starts from DIR's checkpoint; --device puts the model
 *       and the batches on D (sim: reduced through {@link SimCollectives}).</li>
 *   <li>{@code train-accumulate STEPS OUT}: as {@code train}, but each rank's share is two micro-batches, the first
 *       backward inside {@link DistributedDataParallel#noSync()}, each loss halved: the same gradients.</li>
 *   <li>{@code train-bn STEPS OUT} and {@code train-syncbn STEPS OUT}: as {@code train}, with a batch norm after the
 *       first layer, its statistics per rank or (syncbn) over the global batch; OUT gets the buffers too.</li>
 *   <li>{@code hang}: rank 1 stops answering before an all-reduce; the others must end with a timeout error.</li>
 *   <li>{@code hang-sim}: as {@code hang}, for a tensor on the sim device (its collectives' own timeout).</li>
 *   <li>{@code kill}: rank 1 kills itself (SIGKILL) before an all-reduce; the others must end, not hang.</li>
 *   <li>{@code unused}: a model with a branch the loss does not use; the second forward must name its parameters.</li>
 *   <li>{@code evaluate}: each rank evaluates its share of 103 samples with rank 1's batch-norm statistics perturbed;
 *       rank 0 prints the summed result beside its own evaluation of the whole set.</li>
 * </ul>
 */
public final class DistributedWorker {
    static final int GLOBAL_BATCH = 8;
    static final int FEATURES = 12;
    static final int CLASSES = 4;

    public static void main(String[] args) throws Exception {
        Jdnn.setNumThreads(1);
        ProcessGroup group = ProcessGroup.init();
        switch (args[0]) {
            case "train" -> train(group, args);
            case "train-accumulate", "train-bn", "train-syncbn" -> train(group, args);
            case "hang" -> {
                if (group.rank() == 1) {
                    Thread.sleep(Long.MAX_VALUE);
                }
                group.allReduceSum(Tensor.ones(4));
            }
            case "hang-sim" -> {
                group.deviceCommunicator(Device.SIM); // made together; then rank 1 stops answering
                if (group.rank() == 1) {
                    Thread.sleep(Long.MAX_VALUE);
                }
                try (Tensor t = Tensor.ones(4).to(Device.SIM)) {
                    group.allReduceSum(t);
                }
            }
            case "kill" -> {
                group.barrier();
                if (group.rank() == 1) {
                    new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                    Thread.sleep(Long.MAX_VALUE);
                }
                group.allReduceSum(Tensor.ones(4));
            }
            case "unused" -> unusedParameter(group);
            case "evaluate" -> evaluate(group);
            case "bench-allreduce" -> benchAllReduce(group);
            case "bench-lenet" -> benchLenet(group, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 && args[3].equals("--no-sync"));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        group.finish();
    }

    private static void unusedParameter(ProcessGroup group) {
        Module twoHeads = new Module() {
            private final Linear used = registerModule("used", new Linear(FEATURES, CLASSES, true, new SplittableRandom(1)));
            private final Linear unused = registerModule("unused", new Linear(FEATURES, CLASSES, true, new SplittableRandom(2)));

            @Override
            public Tensor forward(Tensor input) {
                return used.call(input);
            }
        };
        try (DistributedDataParallel ddp = new DistributedDataParallel(twoHeads, group)) {
            for (int step = 0; step < 2; step++) {
                try (Scope scope = Scope.open()) {
                    Tensor loss = ddp.call(Tensor.randn(step, 2, FEATURES)).sum();
                    loss.backward();
                }
            }
            throw new AssertionError("the second forward did not report the unused parameters");
        } catch (IllegalStateException e) {
            if (group.isMain()) {
                System.out.println("reported: " + e.getMessage());
            }
        }
    }

    /** Prints the mean time of a sum all-reduce per size (for docs/DISTRIBUTED.md: latency and bandwidth here). */
    private static void benchAllReduce(ProcessGroup group) {
        for (int floats = 1 << 8; floats <= 1 << 22; floats <<= 2) {
            try (Tensor t = Tensor.ones(floats)) {
                for (int i = 0; i < 5; i++) {
                    group.allReduceSum(t);
                }
                int repeats = Math.max(5, (1 << 22) / floats);
                group.barrier();
                long start = System.nanoTime();
                for (int i = 0; i < repeats; i++) {
                    group.allReduceSum(t);
                }
                double micros = (System.nanoTime() - start) / 1e3 / repeats;
                if (group.isMain()) {
                    System.out.printf("all-reduce %,11d bytes on %d ranks: %9.1f us  (%.2f GB/s algorithm bandwidth)%n",
                            floats * 4L, group.worldSize(), micros, floats * 4.0 / micros / 1e3);
                }
            }
        }
    }

    /**
     * Times LeNet training steps on random 28x28 images: STEPS steps of a global batch split over the ranks, after
     * {@link #WARM_UP_STEPS} warm-up steps. With --no-sync the ranks train independently (no DDP), which separates the cost of sharing the
     * cores from the cost of communication. Rank 0 prints the job's throughput.
     */
    /** Enough steps for the JIT to compile the hot paths: with 5, JIT time dominated the timed steps' CPU time. */
    private static final int WARM_UP_STEPS = 200;

    private static void benchLenet(ProcessGroup group, int steps, int globalBatch, boolean noSync) {
        int share = globalBatch / group.worldSize();
        Module lenet = org.jdnn.nn.models.Models.create("lenet", 42);
        Module model = noSync ? lenet : new DistributedDataParallel(lenet, group);
        try (model; Optimizer optimizer = new Adam(model.parameters(), new AdamParams(1e-3, 0.9, 0.999, 1e-8, 0, false))) {
            SplittableRandom random = new SplittableRandom(group.rank());
            float[] x = new float[share * 28 * 28];
            int[] y = new int[share];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = random.nextInt(10);
            }
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long start = 0;
            long cpuStart = 0;
            for (int step = -WARM_UP_STEPS; step < steps; step++) {
                if (step == 0) {
                    group.barrier();
                    start = System.nanoTime();
                    cpuStart = os.getProcessCpuTime();
                }
                try (Scope scope = Scope.open()) {
                    Tensor loss = Losses.crossEntropy(model.call(Tensor.of(x, share, 1, 28, 28)), y);
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                }
            }
            double cpuMillis = (os.getProcessCpuTime() - cpuStart) / 1e6 / steps;
            group.barrier();
            double seconds = (System.nanoTime() - start) / 1e9;
            // CPU time per step says what each rank costs whatever else shares the cores; the slowest rank sets the pace.
            try (Tensor cpu = Tensor.zeros(group.worldSize())) {
                cpu.set((float) cpuMillis, group.rank());
                group.allReduceSum(cpu);
                if (group.isMain()) {
                    System.out.printf("lenet %d ranks%s, global batch %d: %.1f ms/step, %.0f img/s; CPU ms/step per rank %s%n",
                            group.worldSize(), noSync ? " (no sync)" : "", globalBatch, seconds * 1e3 / steps,
                            steps * (double) globalBatch / seconds, java.util.Arrays.toString(cpu.toFloatArray()));
                }
            }
        }
    }

    /** Sharded evaluation must give rank 0's evaluation of the whole set, whatever rank 1's running statistics. */
    private static void evaluate(ProcessGroup group) {
        int samples = 103; // shares of 51 and 52: unequal on purpose
        SplittableRandom random = new SplittableRandom(7);
        float[] x = new float[samples * FEATURES];
        int[] y = new int[samples];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < samples; i++) {
            y[i] = random.nextInt(CLASSES);
        }
        Dataset all = new InMemoryDataset(x, new long[] {FEATURES}, y);
        LossFunction loss = (output, batch) -> Losses.crossEntropy(output, batch.labelArray());
        try (DistributedDataParallel ddp = new DistributedDataParallel(modelWithBatchNorm(42 + group.rank()), group);
             DataLoader whole = DataLoader.builder(all).batchSize(10).build();
             DataLoader share = DataLoader.builder(DistributedEvaluation.shard(all, group)).batchSize(10).build()) {
            Evaluation expected = Trainer.evaluate(ddp.module(), loss, CLASSES, whole);
            if (group.rank() == 1) {
                try (Scope scope = Scope.open()) {
                    ddp.module().call(Tensor.randn(3, 16, FEATURES).mul(5f)); // moves rank 1's running statistics
                }
            }
            Evaluation sharded = DistributedEvaluation.evaluate(ddp, loss, CLASSES, share, group);
            if (group.isMain()) {
                System.out.printf("whole: loss %.9f accuracy %.9f samples %d counts %s%n", expected.loss(),
                        expected.accuracy(), expected.samples(), java.util.Arrays.deepToString(expected.confusion().counts()));
                System.out.printf("sharded: loss %.9f accuracy %.9f samples %d counts %s%n", sharded.loss(),
                        sharded.accuracy(), sharded.samples(), java.util.Arrays.deepToString(sharded.confusion().counts()));
            }
        }
    }

    /** A model whose weights depend on the seed: DDP must replace rank 1's with rank 0's. */
    static Module model(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Sequential(new Linear(FEATURES, 16, true, random), new ReLU(), new Linear(16, 16, true, random),
                new ReLU(), new Linear(16, CLASSES, true, random));
    }

    /** Fails unless the ranks hold different values of {@code gradient}: it was not averaged (yet). */
    private static void requireRankLocal(ProcessGroup group, Tensor gradient) {
        try (Tensor sums = Tensor.zeros(group.worldSize())) {
            sums.set(gradient.sum().item(), group.rank());
            group.allReduceSum(sums);
            float[] perRank = sums.toFloatArray();
            if (perRank[0] == perRank[1]) {
                throw new AssertionError("a gradient was averaged inside noSync: " + java.util.Arrays.toString(perRank));
            }
        }
    }

    /** Half the mean loss of samples [from, to): two equal halves' gradients add up to the whole share's. */
    private static Tensor microBatchLoss(DistributedDataParallel ddp, float[] x, int[] y, int from, int to) {
        Tensor input = Tensor.of(java.util.Arrays.copyOfRange(x, from * FEATURES, to * FEATURES), to - from, FEATURES);
        return Losses.crossEntropy(ddp.call(input), java.util.Arrays.copyOfRange(y, from, to)).mul(0.5f);
    }

    /**
     * {@link #model} with a batch norm after the first layer, which has no bias: the norm removes it, so its gradient
     * would be rounding noise, which Adam scales up to full steps that no two runs share.
     */
    static Module modelWithBatchNorm(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Sequential(new Linear(FEATURES, 16, false, random), new BatchNorm1d(16), new ReLU(),
                new Linear(16, CLASSES, true, random));
    }

    private static void train(ProcessGroup group, String[] args) throws IOException {
        int steps = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Path save = null;
        Path resume = null;
        Device device = Device.CPU;
        for (int i = 3; i < args.length; i += 2) {
            switch (args[i]) {
                case "--save" -> save = Path.of(args[i + 1]);
                case "--resume" -> resume = Path.of(args[i + 1]);
                case "--device" -> device = Device.parse(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int world = group.worldSize();
        int share = GLOBAL_BATCH / world;
        // Small buckets: several all-reduces per backward, started while backward goes on.
        DdpOptions options = DdpOptions.defaults().withBucketCapBytes(600).withSyncBatchNorm(args[0].equals("train-syncbn"));
        Module model = args[0].startsWith("train-") && args[0].endsWith("bn") ? modelWithBatchNorm(42 + group.rank())
                : model(42 + group.rank());
        model.to(device);
        try (DistributedDataParallel ddp = new DistributedDataParallel(model, group, options);
             Optimizer optimizer = new Adam(ddp.parameters(), new AdamParams(0.01, 0.9, 0.999, 1e-8, 0, false))) {
            int first = 0;
            if (resume != null) {
                Checkpoint.State state = Checkpoint.restore(Checkpoint.latest(resume), ddp.module(), optimizer, null);
                first = state.epoch();
            }
            for (int step = first; step < steps; step++) {
                try (Scope scope = Scope.open()) {
                    SplittableRandom data = new SplittableRandom(1000 + step);
                    float[] x = new float[GLOBAL_BATCH * FEATURES];
                    int[] y = new int[GLOBAL_BATCH];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) data.nextGaussian();
                    }
                    for (int i = 0; i < y.length; i++) {
                        y[i] = data.nextInt(CLASSES);
                    }
                    float[] myX = java.util.Arrays.copyOfRange(x, group.rank() * share * FEATURES,
                            (group.rank() + 1) * share * FEATURES);
                    int[] myY = java.util.Arrays.copyOfRange(y, group.rank() * share, (group.rank() + 1) * share);
                    optimizer.zeroGrad();
                    if (args[0].equals("train-accumulate")) {
                        int half = share / 2;
                        try (DistributedDataParallel.NoSync accumulate = ddp.noSync()) {
                            microBatchLoss(ddp, myX, myY, 0, half).backward();
                        }
                        if (group.worldSize() > 1) {
                            requireRankLocal(group, ddp.parameters().getFirst().grad());
                        }
                        microBatchLoss(ddp, myX, myY, half, share).backward();
                    } else {
                        Losses.crossEntropy(ddp.call(Tensor.of(myX, share, FEATURES).to(device)), myY).backward();
                    }
                    optimizer.step();
                }
            }
            if (group.isMain()) {
                if (save != null) {
                    Checkpoint.save(save, steps, ddp.module(), optimizer, null, Map.of(), 1);
                }
                try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(out))) {
                    for (Map.Entry<String, Tensor> e : ddp.module().stateDict().entrySet()) {
                        o.writeUTF(e.getKey());
                        float[] values = e.getValue().toFloatArray();
                        o.writeInt(values.length);
                        for (float v : values) {
                            o.writeFloat(v);
                        }
                    }
                }
            }
        }
    }
}
