package org.jdnn.cli;

import org.jdnn.Jdnn;
import org.jdnn.autograd.Autocast;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.DeviceCollectives;
import org.jdnn.data.DataLoader;
import org.jdnn.data.Dataset;
import org.jdnn.data.FashionMnist;
import org.jdnn.data.TrainValidationSplit;
import org.jdnn.distributed.DistributedDataParallel;
import org.jdnn.distributed.DistributedEvaluation;
import org.jdnn.distributed.DistributedSampler;
import org.jdnn.distributed.ProcessGroup;
import org.jdnn.loss.Losses;
import org.jdnn.loss.Reduction;
import org.jdnn.natives.ThreadCount;
import org.jdnn.nn.models.Models;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.schedule.LrScheduler;
import org.jdnn.optim.schedule.ReduceLROnPlateau;
import org.jdnn.tensor.Device;
import org.jdnn.train.Evaluation;
import org.jdnn.train.LossFunction;
import org.jdnn.train.Trainer;
import org.jdnn.train.checkpoint.Checkpoint;
import org.jdnn.train.report.History;
import org.jdnn.train.report.Plots;
import org.jdnn.train.report.ProgressReporter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code jdnn train --distributed}: the {@code train} command on every rank of an {@code mpirun} job, data-parallel.
 * {@code --batch-size} stays the global batch (each of N ranks takes batch / N samples of it), so a run's settings,
 * learning rate and checkpoints mean the same whatever N: a checkpoint resumes with any number of ranks, or without
 * --distributed. Every rank trains on its {@link DistributedSampler} share of each epoch and evaluates its share of
 * the validation and test sets; the shares are summed on every rank ({@link DistributedEvaluation}), so early stopping
 * and plateau decisions agree; only rank 0 prints, and writes metrics,
 * plots, checkpoints and TensorBoard event files (its per-step norms are of the all-reduced gradients, the same on
 * every rank). Without {@code --threads}, each rank takes its share of the machine's cores.
 */
final class DistributedTraining {
    private final PrintStream out;
    private Path tensorBoard;
    private int tensorBoardEvery;

    DistributedTraining(PrintStream out) {
        this.out = out;
    }

    /**
     * Rank 0 also writes TensorBoard event files to {@code logDir} ({@code null}: none), per-step records every
     * {@code every} steps.
     */
    DistributedTraining tensorBoard(Path logDir, int every) {
        this.tensorBoard = logDir;
        this.tensorBoardEvery = every;
        return this;
    }

    Evaluation train(TrainOptions given) throws IOException {
        ProcessGroup group = ProcessGroup.init();
        TrainOptions options = given;
        Path checkpoint = null;
        if (given.resume()) {
            checkpoint = Checkpoint.latest(given.out());
            options = given.withSettings(Checkpoint.readState(checkpoint).settings(),
                    checkpoint.resolve("state.json").toString());
        }
        TrainOptions o = options;
        if (o.batchSize() % group.worldSize() != 0) {
            throw new IllegalArgumentException("--batch-size " + o.batchSize() + " is the global batch: it must be a"
                    + " multiple of the " + group.worldSize() + " ranks");
        }
        requireDevice(o.device(), group);
        Jdnn.setNumThreads(o.threads() > 0 ? o.threads() : sharedThreads());
        Backend backend = o.backend() == null ? Backends.defaultBackend() : Backends.get(o.backend());
        Path resumeFrom = checkpoint;
        Evaluation result;
        try {
            result = Backends.with(backend, () -> {
                try {
                    return trainOn(o, resumeFrom, group);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        group.finish();
        return result;
    }

    /**
     * Refuses {@code --device} before any data is read when its backend cannot run here (e.g. "cuda unavailable: no
     * NVIDIA driver ...") or, on several ranks, its collectives cannot (e.g. NCCL missing): the message names the
     * rank and the reason.
     */
    private static void requireDevice(String device, ProcessGroup group) {
        Device d = Device.parse(device);
        if (d.isHost()) {
            return;
        }
        String where = "--distributed --device " + device + " on rank " + group.rank() + " of " + group.worldSize();
        if (d.kind() == Device.Kind.CUDA && d.index() != 0) {
            throw new IllegalArgumentException(where + ": each rank drives one GPU, which it sees as cuda:0 (ci/train.sh"
                    + " picks it: local rank mod the GPUs of the host); use --device cuda");
        }
        try {
            Backends.forDevice(d);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (group.worldSize() > 1) {
            DeviceCollectives collectives = DeviceCollectives.forKind(d.kind()).orElseThrow(() ->
                    new IllegalArgumentException(where + ": no collectives for " + d + " in this build"));
            collectives.unavailableReason().ifPresent(reason -> {
                throw new IllegalArgumentException(where + ": collectives unavailable: " + reason);
            });
        }
    }

    /** This rank's share of the cores: the JVM's count divided by the ranks on this host (at least 1). */
    private static int sharedThreads() {
        String local = System.getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
        int ranksHere = local == null ? 1 : Integer.parseInt(local);
        return Math.max(1, Math.min(ThreadCount.MAX, Runtime.getRuntime().availableProcessors() / ranksHere));
    }

    private Evaluation trainOn(TrainOptions o, Path resumeFrom, ProcessGroup group) throws IOException {
        boolean main = group.isMain();
        PrintStream say = main ? out : new PrintStream(OutputStream.nullOutputStream());
        Path data = o.data() != null ? o.data() : FashionMnist.defaultDirectory();
        Dataset all = Training.limit(FashionMnist.load(data, FashionMnist.Part.TRAIN), o.limit());
        Dataset test = Training.limit(FashionMnist.load(data, FashionMnist.Part.TEST), o.limit() / 6);
        TrainValidationSplit split = TrainValidationSplit.of(all, Math.min(o.validation(), all.size() / 5), o.seed());
        DistributedSampler sampler = DistributedSampler.of(split.train(), group, o.seed());
        // The sampler shuffles (the same permutation on every rank); the loader keeps the share's order.
        DataLoader train = Training.loader(sampler.dataset(), o.model(), o.batchSize() / group.worldSize(), -1);
        // Each rank evaluates its share of the validation and test sets; the shares' results are summed.
        DataLoader validation = split.validation().size() == 0 ? null
                : Training.loader(DistributedEvaluation.shard(split.validation(), group), o.model(), 1000, -1);
        DataLoader testLoader = Training.loader(DistributedEvaluation.shard(test, group), o.model(), 1000, -1);

        try (DistributedDataParallel model = new DistributedDataParallel(
                Training.onDevice(Models.create(o.model(), o.seed()), o.device()), group);
             Optimizer optimizer = Training.optimizer(o, model.parameters())) {
            LrScheduler scheduler = Training.scheduler(o, optimizer);
            ReduceLROnPlateau plateau = o.schedule().equals("plateau") ? ReduceLROnPlateau.defaults(optimizer) : null;
            History history = new History();
            int firstEpoch = 1;
            if (resumeFrom != null) {
                // Every rank reads the checkpoint (a folder all hosts see), so optimizer state agrees too.
                Checkpoint.State state = Checkpoint.restore(resumeFrom, model.module(), optimizer, scheduler);
                firstEpoch = state.epoch() + 1;
                history = History.readJson(o.out().resolve("metrics.json")).upTo(state.epoch());
                say.println("resuming from " + resumeFrom + " after epoch " + state.epoch());
            }
            sampler.setEpoch(firstEpoch - 1);
            if (main) {
                Files.createDirectories(o.out());
            }
            say.println(Jdnn.info().toString().lines().findFirst().orElse("") + ", backend in use: "
                    + Backends.current().name());
            say.printf("distributed: %d ranks, %d samples per rank and step (global batch %d), %d native threads per rank%n",
                    group.worldSize(), o.batchSize() / group.worldSize(), o.batchSize(), ThreadCount.get());
            say.printf("model %s (%,d parameters), %s lr %.3g, %d training (%d per rank) / %d validation / %d test images%n",
                    o.model(), model.numParameters(), o.optimizer(), o.lr(), split.train().size(),
                    sampler.samplesPerRank(), split.validation().size(), test.size());
            History recorded = history;
            LossFunction loss = (output, batch) -> Losses.crossEntropy(output, batch.labelArray(), Reduction.MEAN,
                    o.labelSmoothing());
            try (Autocast precision = Training.autocast(o); // every rank in the same precision
                 ProgressReporter progress = !main ? ProgressReporter.plain(say)
                    : o.plain() ? ProgressReporter.plain(out) : ProgressReporter.create(true);
                 TensorBoardRun board = TensorBoardRun.open(main ? tensorBoard : null, tensorBoardEvery, model)) {
                Trainer[] built = new Trainer[1]; // the epoch listener reads the trainer's last validation
                Trainer.Builder builder = Trainer.builder(model, optimizer, loss)
                        .scheduler(scheduler).reduceOnPlateau(plateau)
                        .clipGradNorm(o.clipGradNorm()).earlyStopping(o.patience(), 0)
                        .progress(progress)
                        .validateWith(share -> DistributedEvaluation.evaluate(model, loss, FashionMnist.CLASSES.size(),
                                share, group))
                        .onEpochEnd(record -> {
                            sampler.setEpoch(record.epoch());   // the next epoch's shuffle
                            recorded.add(record);
                            if (main) {
                                Training.saveEpoch(o, record.epoch(), model.module(), optimizer, scheduler, recorded);
                                board.epochEnded(record, built[0].lastValidation());
                            }
                        });
                Trainer trainer = board.attach(builder).build();
                built[0] = trainer;
                trainer.fit(train, validation, firstEpoch, o.epochs());
                Evaluation result = DistributedEvaluation.evaluate(model, Training.TEST_LOSS, FashionMnist.CLASSES.size(),
                        testLoader, group);
                if (main) {
                    Plots.confusionMatrix(result.confusion(), FashionMnist.CLASSES, o.out().resolve("confusion.png"));
                    board.tested(result);
                    out.printf("test accuracy %.2f%% (loss %.4f) on %d images%n", 100 * result.accuracy(), result.loss(),
                            result.samples());
                    out.println("metrics: " + o.out().resolve("metrics.json") + ", " + o.out().resolve("metrics.csv"));
                    out.println("checkpoint: " + Checkpoint.latest(o.out()));
                    if (board.summary() != null) {
                        out.println(board.summary());
                    }
                }
                return result;
            }
        }
    }
}
