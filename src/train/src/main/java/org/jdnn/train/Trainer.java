package org.jdnn.train;

import org.jdnn.autograd.Autograd;
import org.jdnn.data.Batch;
import org.jdnn.data.DataLoader;
import org.jdnn.nn.Module;
import org.jdnn.optim.ClipGrad;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.schedule.LrScheduler;
import org.jdnn.optim.schedule.ReduceLROnPlateau;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.report.ConfusionMatrix;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.Metrics;
import org.jdnn.train.report.ProgressReporter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The training loop: epochs of mini-batch steps (forward, loss, backward, optional gradient clipping,
 * optimizer step), a validation pass after each epoch, learning-rate schedules, early stopping on the
 * validation loss with the best weights restored, and a stop with a clear message on a NaN/Inf loss.
 * Every step runs in its own {@link Scope}, so a step keeps no native memory alive.
 */
public final class Trainer {
    private final Module model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final int classes;
    private final LrScheduler scheduler;
    private final ReduceLROnPlateau plateau;
    private final double clipGradNorm;
    private final int patience;
    private final double minDelta;
    private final ProgressReporter progress;
    private final List<Consumer<EpochRecord>> epochListeners;
    private final List<StepListener> stepListeners;
    private final GradientHealth gradientHealth;
    private final Function<DataLoader, Evaluation> validator;
    private Evaluation lastValidation;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = b.loss;
        this.classes = b.classes;
        this.scheduler = b.scheduler;
        this.plateau = b.plateau;
        this.clipGradNorm = b.clipGradNorm;
        this.patience = b.patience;
        this.minDelta = b.minDelta;
        this.progress = b.progress;
        this.epochListeners = List.copyOf(b.epochListeners);
        this.stepListeners = List.copyOf(b.stepListeners);
        this.gradientHealth = b.gradientHealthEvery > 0
                ? new GradientHealth(model, b.gradientHealthEvery, progress::message) : null;
        this.validator = b.validator != null ? b.validator : this::evaluate;
    }

    /** The gradient-health checker, or null when {@link Builder#gradientHealth} was not set. */
    public GradientHealth gradientHealth() {
        return gradientHealth;
    }

    /**
     * The validation of the last epoch trained (loss, accuracy, confusion matrix), or null before the first epoch or
     * without a validation set. Epoch listeners see the epoch's own.
     */
    public Evaluation lastValidation() {
        return lastValidation;
    }

    public static Builder builder(Module model, Optimizer optimizer, LossFunction loss) {
        return new Builder(model, optimizer, loss);
    }

    /** The outcome of {@link #fit}: the per-epoch records and why training stopped. */
    public record FitResult(List<EpochRecord> history, boolean stoppedEarly, int bestEpoch) {
    }

    /**
     * Trains from epoch {@code firstEpoch} (1 for a fresh run, later when resuming) to {@code epochs}, validating
     * on {@code validation} (may be null) after each epoch. Returns every epoch's record.
     */
    public FitResult fit(DataLoader train, DataLoader validation, int firstEpoch, int epochs) {
        if (firstEpoch < 1 || epochs < firstEpoch - 1) {
            throw new IllegalArgumentException("fit: bad epoch range " + firstEpoch + ".." + epochs);
        }
        List<EpochRecord> history = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        int badEpochs = 0;
        Map<String, Tensor> bestWeights = null;
        boolean stoppedEarly = false;
        try {
            for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
                EpochRecord record = trainEpoch(train, validation, epoch, epochs);
                history.add(record);
                epochListeners.forEach(listener -> listener.accept(record));
                if (patience > 0 && record.hasValidation()) {
                    if (record.validationLoss() < best - minDelta) {
                        best = record.validationLoss();
                        bestEpoch = epoch;
                        badEpochs = 0;
                        closeAll(bestWeights);
                        bestWeights = copyOf(model.stateDict());
                    } else if (++badEpochs >= patience) {
                        stoppedEarly = true;
                        progress.message("early stopping after epoch " + epoch + ": validation loss has not improved for "
                                + patience + " epochs; restoring the weights of epoch " + bestEpoch);
                        model.loadStateDict(bestWeights);
                        break;
                    }
                }
            }
        } finally {
            closeAll(bestWeights);
        }
        return new FitResult(history, stoppedEarly, bestEpoch);
    }

    /** One epoch of training (and validation, if given); steps the schedules. */
    public EpochRecord trainEpoch(DataLoader train, DataLoader validation, int epoch, int epochs) {
        model.train();
        double lr = optimizer.lr();
        long start = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        long samples = 0;
        int batchIndex = 0;
        int batches = train.batchesPerEpoch();
        long stepStart = start;
        lastValidation = null;
        progress.startEpoch(epoch, epochs, batches);
        for (Batch batch : train.epoch(epoch - 1)) {
            batchIndex++;
            long step = (long) (epoch - 1) * batches + batchIndex;
            try (Scope scope = Scope.open()) {
                Tensor output = model.call(features(model, batch));
                Tensor batchLoss = loss.loss(output, batch);
                float value = batchLoss.item();
                if (!Float.isFinite(value)) {
                    throw new TrainingDivergedException("training diverged: loss is " + value + " at epoch " + epoch
                            + ", batch " + batchIndex + " of " + train.batchesPerEpoch() + " (learning rate " + lr
                            + "); try a lower learning rate or gradient clipping");
                }
                optimizer.zeroGrad();
                batchLoss.backward();
                // Norms before clipping, which would hide an explosion; one measurement serves both users.
                List<GradientHealth.LayerNorms> norms = gradientHealth != null ? gradientHealth.maybeCheck(step)
                        : List.of();
                if (norms.isEmpty() && !stepListeners.isEmpty() && wantsNorms(step)) {
                    norms = GradientHealth.measure(model, step);
                }
                if (clipGradNorm > 0) {
                    ClipGrad.clipGradNorm(model.parameters(), clipGradNorm, 2);
                }
                double stepLr = optimizer.lr();
                optimizer.step();
                lossSum += (double) value * batch.size();
                correct += Metrics.correct(output, batch.labelArray());
                samples += batch.size();
                progress.batchDone(batch.size(), value);
                if (!stepListeners.isEmpty()) {
                    // The rate this step used: a step listener may itself change it between steps.
                    StepRecord record = new StepRecord(step, epoch, batchIndex, batches, batch.size(), value, stepLr,
                            (System.nanoTime() - stepStart) / 1e9, norms);
                    stepListeners.forEach(listener -> listener.onStep(record));
                    stepStart = System.nanoTime(); // the listeners' own time is not the next step's
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation val = validation == null ? null : validator.apply(validation);
        lastValidation = val;
        if (scheduler != null) {
            scheduler.step();
        }
        if (plateau != null && val != null) {
            plateau.step(val.loss());
        }
        EpochRecord record = new EpochRecord(epoch, lossSum / samples, (double) correct / samples,
                val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), lr, seconds,
                samples / seconds);
        progress.endEpoch(summary(record));
        return record;
    }

    /** Mean loss, accuracy and confusion matrix of the model (in eval mode, no graph) over {@code data}. */
    public Evaluation evaluate(DataLoader data) {
        return evaluate(model, loss, classes, data);
    }

    /** Mean loss, accuracy and confusion matrix of {@code model} (in eval mode, no graph) over {@code data}. */
    public static Evaluation evaluate(Module model, LossFunction loss, int classes, DataLoader data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        ConfusionMatrix confusion = new ConfusionMatrix(classes);
        double lossSum = 0;
        long samples = 0;
        try (Autograd.NoGrad noGrad = Autograd.noGrad()) {
            for (Batch batch : data.epoch(0)) {
                try (Scope scope = Scope.open()) {
                    Tensor output = model.call(features(model, batch));
                    lossSum += (double) loss.loss(output, batch).item() * batch.size();
                    confusion.add(output, batch.labelArray());
                    samples += batch.size();
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / samples, confusion.accuracy(), samples, confusion);
    }

    /**
     * The batch's features on the device of the model's parameters ({@code module.to(device)} put them there): one
     * counted copy per batch for a model on a GPU, none on the CPU. The caller's scope frees both tensors.
     */
    static Tensor features(Module model, Batch batch) {
        Tensor features = batch.features();
        List<Tensor> parameters = model.parameters();
        Device device = parameters.isEmpty() ? Device.CPU : parameters.getFirst().device();
        return device.equals(features.device()) ? features : features.to(device);
    }

    static String summary(EpochRecord r) {
        String validation = r.hasValidation()
                ? String.format("  val loss %.4f  val acc %.2f%%", r.validationLoss(), 100 * r.validationAccuracy()) : "";
        return String.format("epoch %d  loss %.4f  acc %.2f%%%s  lr %.3g  %.1f s  %.0f img/s", r.epoch(), r.trainLoss(),
                100 * r.trainAccuracy(), validation, r.learningRate(), r.seconds(), r.imagesPerSecond());
    }

    private boolean wantsNorms(long step) {
        for (StepListener listener : stepListeners) {
            if (listener.wantsNorms(step)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> state) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        Scope.untracked(() -> {
            state.forEach((name, t) -> copy.put(name, t.detach().copy()));
            return null;
        });
        return copy;
    }

    private static void closeAll(Map<String, Tensor> tensors) {
        if (tensors != null) {
            tensors.values().forEach(Tensor::close);
        }
    }

    /** Options for a {@link Trainer}; only the model, optimizer and loss are required. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final LossFunction loss;
        private int classes = 10;
        private LrScheduler scheduler;
        private ReduceLROnPlateau plateau;
        private double clipGradNorm;
        private int patience;
        private double minDelta;
        private ProgressReporter progress = ProgressReporter.create(false);
        private final List<Consumer<EpochRecord>> epochListeners = new ArrayList<>();
        private final List<StepListener> stepListeners = new ArrayList<>();
        private int gradientHealthEvery;
        private Function<DataLoader, Evaluation> validator;

        private Builder(Module model, Optimizer optimizer, LossFunction loss) {
            if (model == null || optimizer == null || loss == null) {
                throw new IllegalArgumentException("Trainer: model, optimizer and loss are required");
            }
            this.model = model;
            this.optimizer = optimizer;
            this.loss = loss;
        }

        /** The number of classes for the confusion matrix (default 10). */
        public Builder classes(int classes) {
            if (classes < 2) {
                throw new IllegalArgumentException("Trainer: classes must be >= 2, got " + classes);
            }
            this.classes = classes;
            return this;
        }

        /** A schedule stepped once per epoch. */
        public Builder scheduler(LrScheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Reduce-on-plateau, stepped with the validation loss after each epoch. */
        public Builder reduceOnPlateau(ReduceLROnPlateau plateau) {
            this.plateau = plateau;
            return this;
        }

        /** Clips the gradients' global L2 norm to {@code maxNorm} before each step (0 = off). */
        public Builder clipGradNorm(double maxNorm) {
            if (maxNorm < 0) {
                throw new IllegalArgumentException("Trainer: clipGradNorm must be >= 0, got " + maxNorm);
            }
            this.clipGradNorm = maxNorm;
            return this;
        }

        /** Stops when the validation loss has not improved by {@code minDelta} for {@code patience} epochs (0 = off). */
        public Builder earlyStopping(int patience, double minDelta) {
            if (patience < 0 || minDelta < 0) {
                throw new IllegalArgumentException("Trainer: early stopping needs patience >= 0 and minDelta >= 0");
            }
            this.patience = patience;
            this.minDelta = minDelta;
            return this;
        }

        /**
         * Checks per-layer gradient and weight norms every {@code everySteps} steps (0 = off), warning through the
         * progress reporter; see {@link GradientHealth}. Steps count from 1 across epochs.
         */
        public Builder gradientHealth(int everySteps) {
            if (everySteps < 0) {
                throw new IllegalArgumentException("Trainer: gradientHealth steps must be >= 0, got " + everySteps);
            }
            this.gradientHealthEvery = everySteps;
            return this;
        }

        /**
         * How the validation loader is evaluated after each epoch (default {@link Trainer#evaluate(DataLoader)}):
         * data-parallel training evaluates each rank's share and sums them.
         */
        public Builder validateWith(Function<DataLoader, Evaluation> validator) {
            if (validator == null) {
                throw new IllegalArgumentException("Trainer: validateWith needs a function, got null");
            }
            this.validator = validator;
            return this;
        }

        public Builder progress(ProgressReporter progress) {
            this.progress = progress;
            return this;
        }

        /** Called after every epoch with its record (e.g. to write a checkpoint). */
        public Builder onEpochEnd(Consumer<EpochRecord> listener) {
            epochListeners.add(listener);
            return this;
        }

        /**
         * Called after every optimizer step with a {@link StepRecord} (TensorBoard logging, say); see
         * {@link StepListener}. Without step listeners a step does no extra work.
         */
        public Builder onStep(StepListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("Trainer: onStep needs a listener, got null");
            }
            stepListeners.add(listener);
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
