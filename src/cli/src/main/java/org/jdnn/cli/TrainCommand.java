package org.jdnn.cli;

import org.jdnn.nn.models.Models;
import org.jdnn.train.tensorboard.TensorBoardLogger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jdnn train}: trains a model on Fashion-MNIST; every option is checked before anything native loads. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Train a model on Fashion-MNIST. Metrics, plots and a checkpoint per epoch go to --out.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    JdnnCommand parent;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "lenet",
            description = "mlp, lenet, cnn or resnet18 (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
            description = "mini-batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "sgd, momentum, nesterov, adam, adamw, rmsprop or adagrad (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "learning rate (default: 1e-3; 0.05 for sgd, momentum, nesterov)")
    Double lr;

    @Option(names = "--weight-decay", paramLabel = "X", defaultValue = "0",
            description = "weight decay (L2 for sgd, adam, ...; decoupled for adamw, where 0 means 0.01; default: 0)")
    double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "none",
            description = "none, step, cosine, warmup-cosine, restarts or plateau (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed for weights, shuffling, dropout and the split (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "where metrics, plots and checkpoints go (default: runs/MODEL)")
    Path out;

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out")
    boolean resume;

    @Option(names = "--validation", paramLabel = "N", defaultValue = "5000",
            description = "training images held out for validation (default: ${DEFAULT-VALUE})")
    int validation;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "early stopping after N epochs without improvement (default: 0, off)")
    int patience;

    @Option(names = "--clip", paramLabel = "X", defaultValue = "0",
            description = "clip the gradient norm to X (default: 0, off)")
    double clip;

    @Option(names = "--label-smoothing", paramLabel = "X", defaultValue = "0.1",
            description = "cross-entropy label smoothing while training, 0 to 1 (default: ${DEFAULT-VALUE}); "
                    + "the test loss is always plain cross-entropy")
    double labelSmoothing;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "use only the first N training and N/6 test images (default: 0, all)")
    int limit;

    @Option(names = "--grad-health", paramLabel = "N", defaultValue = "0",
            description = "every N steps, per-layer gradient and weight norms into grad-norms.csv, with a warning when "
                    + "one vanishes, explodes or turns NaN (default: 0, off)")
    int gradHealth;

    @Option(names = "--precision", paramLabel = "NAME", defaultValue = "fp32",
            description = "fp32, or bf16: convolutions and matmuls in bf16 with fp32 weights, gradients and sums, on "
                    + "CPUs with AVX-512-BF16 or AMX (elsewhere fp32, with a message); checkpoints stay fp32 "
                    + "(default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--device", paramLabel = "NAME", defaultValue = "cpu",
            description = "where the model trains: cpu, sim (the simulated device the tests use) or cuda[:N]; a device "
                    + "whose backend cannot run here stops the run with the reason (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--plain", description = "plain progress lines instead of a progress bar")
    boolean plain;

    @Option(names = "--distributed", description = "data-parallel on every rank of `mpirun -np N ci/train.sh --distributed`;"
            + " --batch-size is then the global batch (see docs/DISTRIBUTED.md)")
    boolean distributed;

    @Option(names = "--tensorboard", paramLabel = "DIR",
            description = "also write TensorBoard event files here: losses, accuracies, learning rate, images/s, "
                    + "per-layer norms, weight and gradient histograms, confusion matrices "
                    + "(view with `tensorboard --logdir DIR`)")
    Path tensorboard;

    @Option(names = "--tensorboard-every", paramLabel = "N",
            description = "with --tensorboard: per-step loss, learning rate, images/s, norms and histograms every N "
                    + "steps; 0 for per-epoch records only (default: " + TensorBoardLogger.DEFAULT_EVERY + ")")
    Integer tensorboardEvery;

    /** The checked options; throws a usage error naming the first bad option and its value. */
    TrainOptions options() {
        Checks.oneOf(spec, "--model", model, Models.NAMES);
        Checks.oneOf(spec, "--optimizer", optimizer, TrainOptions.OPTIMIZERS);
        Checks.oneOf(spec, "--schedule", schedule, TrainOptions.SCHEDULES);
        Checks.atLeast(spec, "--epochs", epochs, 1);
        Checks.atLeast(spec, "--batch-size", batchSize, 1);
        double rate = lr == null ? TrainOptions.defaultLr(optimizer) : Checks.nonNegative(spec, "--lr", lr, false);
        Checks.nonNegative(spec, "--weight-decay", weightDecay, true);
        Checks.directory(spec, "--data", data);
        Checks.atLeast(spec, "--validation", validation, 0);
        Checks.atLeast(spec, "--patience", patience, 0);
        Checks.nonNegative(spec, "--clip", clip, true);
        Checks.fraction(spec, "--label-smoothing", labelSmoothing);
        Checks.atLeast(spec, "--limit", limit, 0);
        Checks.atLeast(spec, "--grad-health", gradHealth, 0);
        Checks.oneOf(spec, "--precision", precision, TrainOptions.PRECISIONS);
        Checks.device(spec, "--device", device);
        runtime.check(spec);
        return new TrainOptions(model, epochs, batchSize, optimizer, rate, weightDecay, schedule, seed, runtime.backend,
                data, out != null ? out : Path.of("runs", model), resume, validation, patience, clip, labelSmoothing,
                limit, runtime.threads, plain, gradHealth, precision, device);
    }

    @Override
    public Integer call() throws Exception {
        TrainOptions options = options();
        if (tensorboardEvery != null && tensorboard == null) {
            throw Checks.usage(spec, "--tensorboard-every needs --tensorboard DIR");
        }
        int every = tensorboardEvery == null ? TensorBoardLogger.DEFAULT_EVERY
                : Checks.atLeast(spec, "--tensorboard-every", tensorboardEvery, 0);
        if (tensorboard != null && Files.exists(tensorboard) && !Files.isDirectory(tensorboard)) {
            // Checked before the data loads; a missing directory is created.
            throw Checks.usage(spec, "--tensorboard: " + tensorboard + " is not a directory");
        }
        if (distributed) {
            new DistributedTraining(parent.out()).tensorBoard(tensorboard, every).train(options);
        } else {
            new Training(parent.out()).tensorBoard(tensorboard, every).train(options);
        }
        return 0;
    }
}
