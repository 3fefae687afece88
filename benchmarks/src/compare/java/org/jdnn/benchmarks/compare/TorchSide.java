package org.jdnn.benchmarks.compare;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The PyTorch side of the comparison: one workload on libtorch through DJL, with libtorch's intra-op and inter-op
 * thread counts set to {@code --threads} (system properties read when DJL's PyTorch engine starts; the script also
 * sets OMP_NUM_THREADS). A training step: forward in a gradient collector, mean cross-entropy, backward, the
 * loss's value, Adam step; an inference batch: the forward in eval mode (no gradient recording), reading one logit.
 * The step's temporaries live in a sub-manager closed after each step, as DJL's own training loop does with a batch.
 * The weights start from DJL's default initialisers, seeded.
 */
public final class TorchSide {
    private final Workload workload;
    private final NDManager manager;
    private final Model model;
    private final Trainer trainer;
    private final NDArray images;
    private final NDArray labels;

    private TorchSide(Workload w) {
        this.workload = w;
        manager = NDManager.newBaseManager(Device.cpu());
        SeededData data = SeededData.of(w);
        images = manager.create(data.images(), new Shape(w.batch(), w.channels(), w.size(), w.size()));
        labels = w.perPixel() ? manager.create(data.labels(), new Shape(w.batch(), 1, w.size(), w.size()))
                : manager.create(data.labels(), new Shape(w.batch(), 1));
        model = Model.newInstance(w.name(), Device.cpu(), "PyTorch");
        model.setBlock(TorchModels.create(w));
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(Workload.LEARNING_RATE)).build();
        trainer = model.newTrainer(new DefaultTrainingConfig(new CrossEntropy())
                .optOptimizer(adam).optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(images.getShape());
    }

    /**
     * Mean cross-entropy of logits (N, C, ...) against class indices (N, 1, ...): log-softmax over dimension 1 and
     * the log-probability of each label, as {@code torch.nn.functional.cross_entropy}.
     */
    static final class CrossEntropy extends Loss {
        CrossEntropy() {
            super("cross_entropy");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray logProbabilities = predictions.singletonOrThrow().logSoftmax(1);
            return logProbabilities.gather(labels.singletonOrThrow(), 1).mean().neg();
        }
    }

    private float trainStep() {
        try (NDManager step = manager.newSubManager()) {
            images.tempAttach(step);
            labels.tempAttach(step);
            float value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray loss = trainer.getLoss().evaluate(new NDList(labels), trainer.forward(new NDList(images)));
                collector.backward(loss);
                value = loss.getFloat();
            }
            trainer.step();
            return value;
        }
    }

    private float inferBatch() {
        try (NDManager step = manager.newSubManager()) {
            images.tempAttach(step);
            NDArray logits = trainer.evaluate(new NDList(images)).singletonOrThrow();
            return logits.getFloat(new long[logits.getShape().dimension()]);
        }
    }

    private Result run(int threads) {
        // Trainable ones only: DJL counts batch norm's running statistics as parameters, jdnn as buffers.
        long parameters = model.getBlock().getParameters().values().stream()
                .filter(Parameter::requiresGradient).mapToLong(p -> p.getArray().size()).sum();
        System.out.printf("pytorch %s: %,d parameters%n", workload.name(), parameters);
        StepTimer.Timing train = StepTimer.time(this::trainStep, workload.warmupSteps(), workload.timedSteps());
        System.out.printf("pytorch %s: loss %.4f at the first step, %.4f at the last%n", workload.name(),
                train.firstValue(), train.lastValue());
        StepTimer.Timing infer = StepTimer.time(this::inferBatch, workload.warmupSteps(), workload.timedSteps());
        return new Result("pytorch", workload.name(), workload.batch(), workload.timedSteps(), train.meanMillis(),
                infer.meanMillis(), ProcessMemory.peakResidentBytes(), threads);
    }

    public static void main(String[] args) throws Exception {
        SideOptions options = SideOptions.parse(args);
        String threads = Integer.toString(options.threads());
        // Read by DJL's PyTorch engine when it starts: torch.set_num_threads / set_num_interop_threads.
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", threads);
        Engine engine = Engine.getEngine("PyTorch");
        // Seeds libtorch's generator, which DJL's initialisers draw from: the same weights on every run.
        engine.setRandomSeed((int) Workload.SEED);
        System.out.println("PyTorch " + engine.getVersion() + " through DJL " + Engine.getDjlVersion()
                + ", intra-op threads " + JniUtils.getNumThreads() + ", inter-op threads " + JniUtils.getNumInteropThreads());
        TorchSide side = new TorchSide(options.workload());
        try {
            options.write(side.run(options.threads()));
        } finally {
            side.trainer.close();
            side.model.close();
            side.manager.close();
        }
    }
}
