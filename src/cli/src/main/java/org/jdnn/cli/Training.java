package org.jdnn.cli;

import org.jdnn.Jdnn;
import org.jdnn.autograd.Autocast;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.data.Compose;
import org.jdnn.data.DataLoader;
import org.jdnn.data.Dataset;
import org.jdnn.data.FashionMnist;
import org.jdnn.data.Normalize;
import org.jdnn.data.Pad;
import org.jdnn.data.SampleTransform;
import org.jdnn.data.TrainValidationSplit;
import org.jdnn.nn.models.Models;
import org.jdnn.loss.Losses;
import org.jdnn.loss.Reduction;
import org.jdnn.nn.Module;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.Precision;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adagrad;
import org.jdnn.optim.Adam;
import org.jdnn.optim.AdamW;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.RMSprop;
import org.jdnn.optim.SGD;
import org.jdnn.optim.schedule.CosineAnnealingLR;
import org.jdnn.optim.schedule.CosineAnnealingWarmRestarts;
import org.jdnn.optim.schedule.LinearWarmup;
import org.jdnn.optim.schedule.LrScheduler;
import org.jdnn.optim.schedule.ReduceLROnPlateau;
import org.jdnn.optim.schedule.StepLR;
import org.jdnn.train.Evaluation;
import org.jdnn.train.GradientHealth;
import org.jdnn.train.LossFunction;
import org.jdnn.tensor.Device;
import org.jdnn.train.Trainer;
import org.jdnn.train.TrainingDivergedException;
import org.jdnn.train.checkpoint.Checkpoint;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.History;
import org.jdnn.train.report.Plots;
import org.jdnn.train.report.ProgressReporter;
import org.jdnn.train.tensorboard.TensorBoardLogger;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * What {@code train} and {@code eval} do: Fashion-MNIST with a model from {@link Models}.
 *
 * <p>The test loss both report is plain cross-entropy, whatever label smoothing training used, so that eval of a
 * checkpoint, a resumed run and PyTorch's usual {@code F.cross_entropy} on the test set all give the same number.
 * Training and validation losses use the training criterion (with smoothing), as early stopping and the
 * plateau schedule compare them with each other.
 */
public final class Training {
    /** Fashion-MNIST's pixel mean and standard deviation over the training set (pixels scaled to [0, 1]). */
    static final Normalize FASHION_MNIST_NORMALIZE = Normalize.of(0.2860f, 0.3530f);

    /** The test loss: plain cross-entropy, the number PyTorch users compare (see the class comment). */
    static final LossFunction TEST_LOSS = (output, batch) -> Losses.crossEntropy(output, batch.labelArray());

    private final PrintStream out;
    private Path tensorBoard;
    private int tensorBoardEvery = TensorBoardLogger.DEFAULT_EVERY;
    private Consumer<EpochRecord> trialEpochs; // set for a search trial: sees each epoch, never the test split

    public Training(PrintStream out) {
        this.out = out;
    }

    /** Also writes TensorBoard event files to {@code logDir} ({@code null}: none). */
    public Training tensorBoard(Path logDir) {
        return tensorBoard(logDir, TensorBoardLogger.DEFAULT_EVERY);
    }

    /** Also writes TensorBoard event files to {@code logDir}, with the per-step records every {@code every} steps. */
    public Training tensorBoard(Path logDir, int every) {
        this.tensorBoard = logDir;
        this.tensorBoardEvery = every;
        return this;
    }

    /** Trains as {@code options} say; returns the final test evaluation. */
    public Evaluation train(TrainOptions given) throws IOException {
        TrainOptions options = given;
        Path checkpoint = null;
        if (given.resume()) {
            checkpoint = Checkpoint.latest(given.out());
            options = given.withSettings(Checkpoint.readState(checkpoint).settings(),
                    checkpoint.resolve("state.json").toString());
        }
        TrainOptions o = options;
        applyThreads(o);
        Backend backend = o.backend() == null ? Backends.defaultBackend() : Backends.get(o.backend());
        Path resumeFrom = checkpoint;
        return onBackend(backend, () -> trainOn(o, resumeFrom));
    }

    /**
     * Trains one trial of a hyper-parameter search: as {@link #train}, but {@code onEpochEnd} sees every epoch's
     * record (after it is saved) and the test split is never evaluated. An exception thrown by {@code onEpochEnd}
     * stops training and reaches the caller. Returns the last validation evaluation (null without a validation set).
     */
    public Evaluation trial(TrainOptions options, Consumer<EpochRecord> onEpochEnd) throws IOException {
        if (options.resume()) {
            throw new IllegalArgumentException("a search trial cannot resume: " + options.out());
        }
        trialEpochs = onEpochEnd;
        try {
            return train(options);
        } finally {
            trialEpochs = null;
        }
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Runs {@code body} with {@code backend} as this thread's backend, letting its IOException through. */
    private static <T> T onBackend(Backend backend, IoSupplier<T> body) throws IOException {
        try {
            return Backends.with(backend, () -> {
                try {
                    return body.get();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The precision region {@code --precision} asks for: bf16 autocast, or float32 (nothing changes). */
    static Autocast autocast(TrainOptions o) {
        return o.precision().equals("bf16") ? Autocast.bf16() : Autocast.fp32();
    }

    private Evaluation trainOn(TrainOptions o, Path resumeFrom) throws IOException {
        Path data = o.data() != null ? o.data() : FashionMnist.defaultDirectory();
        Dataset all = limit(FashionMnist.load(data, FashionMnist.Part.TRAIN), o.limit());
        Dataset test = limit(FashionMnist.load(data, FashionMnist.Part.TEST), o.limit() / 6);
        TrainValidationSplit split = TrainValidationSplit.of(all, Math.min(o.validation(), all.size() / 5), o.seed());
        DataLoader train = loader(split.train(), o.model(), o.batchSize(), o.seed());
        DataLoader validation = split.validation().size() == 0 ? null
                : loader(split.validation(), o.model(), 1000, -1);
        DataLoader testLoader = loader(test, o.model(), 1000, -1);

        try (Module model = onDevice(Models.create(o.model(), o.seed()), o.device());
             Optimizer optimizer = optimizer(o, model.parameters())) {
            LrScheduler scheduler = scheduler(o, optimizer);
            ReduceLROnPlateau plateau = o.schedule().equals("plateau") ? ReduceLROnPlateau.defaults(optimizer) : null;
            History history = new History();
            int firstEpoch = 1;
            if (resumeFrom != null) {
                Checkpoint.State state = Checkpoint.restore(resumeFrom, model, optimizer, scheduler);
                firstEpoch = state.epoch() + 1;
                history = History.readJson(o.out().resolve("metrics.json")).upTo(state.epoch());
                out.println("resuming from " + resumeFrom + " after epoch " + state.epoch());
            }
            Files.createDirectories(o.out());
            out.println(Jdnn.info().toString().lines().findFirst().orElse("") + ", backend in use: " + Backends.current().name());
            out.printf("model %s (%,d parameters), %s lr %.3g, batch %d, %d training / %d validation / %d test images%n",
                    o.model(), model.numParameters(), o.optimizer(), o.lr(), o.batchSize(), split.train().size(),
                    split.validation().size(), test.size());
            History recorded = history;
            LossFunction loss = (output, batch) -> Losses.crossEntropy(output, batch.labelArray(), Reduction.MEAN,
                    o.labelSmoothing());
            // bf16 covers the training steps, validation and the test evaluation; weights, gradients, optimizer
            // state and checkpoints stay float32 (only convolutions and matmuls read bf16 copies).
            try (Autocast precision = autocast(o);
                 ProgressReporter progress = o.plain() ? ProgressReporter.plain(out) : ProgressReporter.create(true);
                 TensorBoardRun board = TensorBoardRun.open(tensorBoard, tensorBoardEvery, model)) {
                if (o.precision().equals("bf16")) {
                    out.println("precision: " + (precision.precision() == Precision.BF16
                            ? "bf16 convolutions and matmuls, fp32 weights and sums" : "fp32 (" + Autocast.FALLBACK_MESSAGE + ")"));
                }
                Trainer[] built = new Trainer[1]; // the epoch listener reads the trainer's gradient health, validation
                Trainer.Builder builder = Trainer.builder(model, optimizer, loss)
                        .scheduler(scheduler).reduceOnPlateau(plateau)
                        .clipGradNorm(o.clipGradNorm()).earlyStopping(o.patience(), 0)
                        .gradientHealth(o.gradHealth())
                        .progress(progress)
                        .onEpochEnd(record -> {
                            recorded.add(record);
                            saveEpoch(o, record.epoch(), model, optimizer, scheduler, recorded);
                            saveGradientHealth(o, built[0].gradientHealth());
                            if (trialEpochs != null) {
                                trialEpochs.accept(record);
                            }
                            board.epochEnded(record, built[0].lastValidation());
                        });
                Trainer trainer = board.attach(builder).build();
                built[0] = trainer;
                try {
                    trainer.fit(train, validation, firstEpoch, o.epochs());
                } catch (TrainingDivergedException e) {
                    saveGradientHealth(o, trainer.gradientHealth()); // the norms that led up to it
                    throw e;
                }
                if (trialEpochs != null) {
                    return trainer.lastValidation(); // a search scores on validation only
                }
                Evaluation result = Trainer.evaluate(model, TEST_LOSS, FashionMnist.CLASSES.size(), testLoader);
                Plots.confusionMatrix(result.confusion(), FashionMnist.CLASSES, o.out().resolve("confusion.png"));
                board.tested(result);
                out.printf("test accuracy %.2f%% (loss %.4f) on %d images%n", 100 * result.accuracy(), result.loss(),
                        result.samples());
                out.println("metrics: " + o.out().resolve("metrics.json") + ", " + o.out().resolve("metrics.csv"));
                out.println("plots: " + o.out().resolve("loss.png") + ", " + o.out().resolve("accuracy.png") + ", "
                        + o.out().resolve("confusion.png"));
                if (trainer.gradientHealth() != null) {
                    out.println("gradient norms: " + o.out().resolve("grad-norms.csv") + ", "
                            + o.out().resolve("grad-norms.png"));
                }
                out.println("checkpoint: " + Checkpoint.latest(o.out()));
                if (board.summary() != null) {
                    out.println(board.summary());
                }
                return result;
            }
        }
    }

    /** Evaluates {@code checkpoint} on the test set; the confusion matrix goes to {@code runDirectory}. */
    public Evaluation evaluate(Path checkpoint, Path runDirectory, Path dataDirectory, String backendName, int threads)
            throws IOException {
        return evaluate(checkpoint, runDirectory, dataDirectory, backendName, threads, "fp32");
    }

    /** As {@link #evaluate(Path, Path, Path, String, int)}, in {@code precision} (fp32 or bf16, as train's option). */
    public Evaluation evaluate(Path checkpoint, Path runDirectory, Path dataDirectory, String backendName, int threads,
                               String precision) throws IOException {
        TrainOptions o = TrainOptions.forCheckpoint(runDirectory, dataDirectory, backendName, threads, precision)
                .withSettings(Checkpoint.readState(checkpoint).settings(), checkpoint.resolve("state.json").toString());
        applyThreads(o);
        Backend backend = o.backend() == null ? Backends.defaultBackend() : Backends.get(o.backend());
        Path data = o.data() != null ? o.data() : FashionMnist.defaultDirectory();
        Dataset test = limit(FashionMnist.load(data, FashionMnist.Part.TEST), o.limit() / 6);
        return onBackend(backend, () -> {
            try (Module model = Models.create(o.model(), o.seed()); Autocast scope = autocast(o)) {
                Checkpoint.loadModel(checkpoint, model);
                Evaluation result = Trainer.evaluate(model, TEST_LOSS, FashionMnist.CLASSES.size(),
                        loader(test, o.model(), 1000, -1));
                Path png = o.out().resolve("confusion.png");
                Plots.confusionMatrix(result.confusion(), FashionMnist.CLASSES, png);
                out.printf("%s: test accuracy %.2f%% (loss %.4f) on %d images; confusion matrix: %s%n", checkpoint,
                        100 * result.accuracy(), result.loss(), result.samples(), png);
                return result;
            }
        });
    }

    /** Writes the gradient norms so far to grad-norms.csv and grad-norms.png (when the check is on). */
    static void saveGradientHealth(TrainOptions o, GradientHealth health) {
        if (health == null) {
            return;
        }
        try {
            health.writeCsv(o.out().resolve("grad-norms.csv"));
            health.writePlot(o.out().resolve("grad-norms.png"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the gradient norms to " + o.out(), e);
        }
    }

    /**
     * {@code model} moved to {@code device} (before its optimizer is made, whose state then lives there too); on a
     * device whose backend cannot run here, the model is closed and the backend's "unavailable: reason" thrown.
     */
    static Module onDevice(Module model, String device) {
        Device d = Device.parse(device);
        if (d.isHost()) {
            return model;
        }
        try {
            Backends.forDevice(d);
            return model.to(d);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    static void saveEpoch(TrainOptions o, int epoch, Module model, Optimizer optimizer, LrScheduler scheduler,
                                  History history) {
        try {
            history.writeJson(o.out().resolve("metrics.json"));
            history.writeCsv(o.out().resolve("metrics.csv"));
            Plots.lossCurves(history, o.out().resolve("loss.png"));
            Plots.accuracyCurves(history, o.out().resolve("accuracy.png"));
            Map<String, String> settings = o.settings();
            Checkpoint.save(o.out(), epoch, model, optimizer, scheduler, settings, 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results of epoch " + epoch + " to " + o.out(), e);
        }
    }

    static void applyThreads(TrainOptions o) {
        if (o.threads() > 0) {
            Jdnn.setNumThreads(o.threads());
        }
    }

    static Dataset limit(Dataset dataset, int limit) {
        if (limit <= 0 || limit >= dataset.size()) {
            return dataset;
        }
        return dataset.subset(IntStream.range(0, limit).toArray());
    }

    static DataLoader loader(Dataset dataset, String model, int batchSize, long shuffleSeed) {
        DataLoader.Builder builder = DataLoader.builder(dataset).batchSize(batchSize).transform(inputTransform(model));
        if (shuffleSeed >= 0) {
            builder.shuffle(shuffleSeed);
        }
        return builder.build();
    }

    /**
     * What turns a 28x28 Fashion-MNIST image into the model's input: normalisation, then for a model that takes
     * more (resnet18: 32x32, {@link Models#inputShape}) zeros around the image, centred. The padding comes after
     * normalisation, so the ring is 0 in normalised space (the data set's mean), the value the first
     * convolution's own zero padding feeds in just beyond it: one border value, not a ring of black (-0.81 after
     * normalisation) inside a ring of zeros.
     */
    static SampleTransform inputTransform(String model) {
        long[] shape = Models.inputShape(model);
        int height = Math.toIntExact(shape[1]);
        int width = Math.toIntExact(shape[2]);
        if (height == FashionMnist.ROWS && width == FashionMnist.COLUMNS) {
            return FASHION_MNIST_NORMALIZE;
        }
        return Compose.of(FASHION_MNIST_NORMALIZE, Pad.to(height, width));
    }

    static Optimizer optimizer(TrainOptions o, List<org.jdnn.tensor.Tensor> params) {
        double lr = o.lr();
        double wd = o.weightDecay();
        return switch (o.optimizer()) {
            case "sgd" -> new SGD(params, new SgdParams(lr, 0, 0, false, wd));
            case "momentum" -> new SGD(params, new SgdParams(lr, 0.9, 0, false, wd));
            case "nesterov" -> new SGD(params, new SgdParams(lr, 0.9, 0, true, wd));
            case "adam" -> new Adam(params, new AdamParams(lr, 0.9, 0.999, 1e-8, wd, false));
            case "adamw" -> new AdamW(params, new AdamParams(lr, 0.9, 0.999, 1e-8, wd == 0 ? 0.01 : wd, true));
            case "rmsprop" -> new RMSprop(params, new RmspropParams(lr, 0.99, 1e-8, wd, 0, false));
            case "adagrad" -> new Adagrad(params, new AdagradParams(lr, 0, wd, 0, 1e-10));
            default -> throw new IllegalArgumentException("--optimizer: unknown '" + o.optimizer() + "'");
        };
    }

    static LrScheduler scheduler(TrainOptions o, Optimizer optimizer) {
        return switch (o.schedule()) {
            case "none", "plateau" -> null;
            case "step" -> new LrScheduler(optimizer, new StepLR(Math.max(1, o.epochs() / 3), 0.1));
            case "cosine" -> new LrScheduler(optimizer, new CosineAnnealingLR(o.epochs(), 0));
            case "warmup-cosine" -> new LrScheduler(optimizer,
                    new LinearWarmup(1, 0.1, new CosineAnnealingLR(Math.max(1, o.epochs() - 1), 0)));
            case "restarts" -> new LrScheduler(optimizer, new CosineAnnealingWarmRestarts(2, 2, 0));
            default -> throw new IllegalArgumentException("--schedule: unknown '" + o.schedule() + "'");
        };
    }
}
