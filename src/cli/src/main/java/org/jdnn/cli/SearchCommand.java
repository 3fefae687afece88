package org.jdnn.cli;

import org.jdnn.nn.models.Models;
import org.jdnn.train.Evaluation;
import org.jdnn.train.report.History;
import org.jdnn.train.search.Domain;
import org.jdnn.train.search.GridSampler;
import org.jdnn.train.search.HyperparameterSearch;
import org.jdnn.train.search.MedianPruner;
import org.jdnn.train.search.Point;
import org.jdnn.train.search.RandomSampler;
import org.jdnn.train.search.SearchResults;
import org.jdnn.train.search.SearchSpace;
import org.jdnn.train.search.Trial;
import org.jdnn.train.search.TrialRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jdnn search}: trains one short run per hyper-parameter setting, scores each on the validation split, stops
 * the ones behind the median early, then trains the best setting once more and reports its test accuracy, the only
 * time the test split is used. Every option is checked, and the points chosen, before anything native loads.
 */
@Command(name = "search", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Search learning rate, batch size, weight decay and schedule for a model on Fashion-MNIST.",
                "Trials are scored on the validation split; search.csv, search.png, one directory per trial and the "
                        + "best setting trained once more (best/, with its test accuracy) go to --out.",
                "A range LOW:HIGH is log-uniform, LOW:HIGH:uniform uniform; a list a,b,c is a choice."})
final class SearchCommand implements Callable<Integer> {
    static final List<String> STRATEGIES = List.of("random", "grid");

    @Spec
    CommandSpec spec;

    @ParentCommand
    JdnnCommand parent;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp",
            description = "mlp, lenet or cnn (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd",
            description = "sgd, momentum, nesterov, adam, adamw, rmsprop or adagrad (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = "random",
            description = "random (draws --trials points) or grid (every combination; ranges get as many evenly "
                    + "spaced points as --trials allows) (default: ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "8",
            description = "trials to train (a grid's upper bound) (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "epochs per trial and for the final run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--lr", paramLabel = "VALUES",
            description = "learning rates (default: the optimizer's default / 10 to x 10, log-uniform: "
                    + "0.005:0.5 for sgd, 1e-4:0.01 for adam)")
    String lr;

    @Option(names = "--batch-size", paramLabel = "SIZES", defaultValue = "128",
            description = "mini-batch sizes, a list (default: ${DEFAULT-VALUE})")
    String batchSize;

    @Option(names = "--weight-decay", paramLabel = "VALUES", defaultValue = "0",
            description = "weight decays, a range or list (default: ${DEFAULT-VALUE})")
    String weightDecay;

    @Option(names = "--schedule", paramLabel = "NAMES", defaultValue = "none",
            description = "learning-rate schedules, a list of none, step, cosine, warmup-cosine, restarts, plateau "
                    + "(default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--prune-after", paramLabel = "N", defaultValue = "" + MedianPruner.DEFAULT_MIN_COMPLETED,
            description = "once N trials have completed, stop a trial whose validation accuracy after an epoch is "
                    + "below their median after that epoch; 0: never (default: ${DEFAULT-VALUE})")
    int pruneAfter;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed of the random points and of every trial's weights, shuffling and split "
                    + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--validation", paramLabel = "N", defaultValue = "5000",
            description = "training images held out to score the trials (default: ${DEFAULT-VALUE})")
    int validation;

    @Option(names = "--label-smoothing", paramLabel = "X", defaultValue = "0.1",
            description = "cross-entropy label smoothing while training (default: ${DEFAULT-VALUE})")
    double labelSmoothing;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "use only the first N training and N/6 test images (default: 0, all)")
    int limit;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "where the results go (default: runs/search-MODEL)")
    Path out;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--plain", description = "plain progress lines instead of a progress bar")
    boolean plain;

    /** A checked search: the options every trial starts from, the points to train and the pruner (or none). */
    record Plan(TrainOptions base, List<Point> points, MedianPruner pruner) {
    }

    /** The checked options and the points to train; throws a usage error naming the first bad option and value. */
    Plan plan() {
        Checks.oneOf(spec, "--strategy", strategy, STRATEGIES);
        Checks.atLeast(spec, "--trials", trials, 1);
        Checks.atLeast(spec, "--prune-after", pruneAfter, 0);
        Checks.atLeast(spec, "--validation", validation, 1); // trials are scored on it
        TrainOptions base = trainOptions();
        SearchSpace space = SearchSpace.builder()
                .add("lr", lr != null ? SearchValues.numbers(spec, "--lr", lr, false)
                        : new Domain.LogUniform(base.lr() / 10, base.lr() * 10))
                .add("batch_size", SearchValues.integers(spec, "--batch-size", batchSize, 1))
                .add("weight_decay", SearchValues.numbers(spec, "--weight-decay", weightDecay, true))
                .add("schedule", SearchValues.names(spec, "--schedule", schedule, TrainOptions.SCHEDULES))
                .build();
        List<Point> points;
        try {
            points = strategy.equals("grid") ? new GridSampler().points(space, trials)
                    : new RandomSampler(seed).points(space, trials);
        } catch (IllegalArgumentException e) {
            throw Checks.usage(spec, "--trials " + trials + " is too few for --strategy grid: " + e.getMessage());
        }
        return new Plan(base, points, pruneAfter == 0 ? null : new MedianPruner(pruneAfter));
    }

    /** The options shared by every trial, checked by {@code train}'s own parser (so they mean what they mean there). */
    private TrainOptions trainOptions() {
        Checks.oneOf(spec, "--model", model, Models.NAMES);
        Checks.oneOf(spec, "--optimizer", optimizer, TrainOptions.OPTIMIZERS);
        List<String> args = new ArrayList<>(List.of("--model", model, "--optimizer", optimizer,
                "--epochs", Integer.toString(epochs), "--seed", Long.toString(seed),
                "--validation", Integer.toString(validation), "--label-smoothing", Double.toString(labelSmoothing),
                "--limit", Integer.toString(limit),
                "--out", (out != null ? out : Path.of("runs", "search-" + model)).toString()));
        if (data != null) {
            args.addAll(List.of("--data", data.toString()));
        }
        if (runtime.backend != null) {
            args.addAll(List.of("--backend", runtime.backend));
        }
        if (runtime.threads != 0) {
            args.addAll(List.of("--threads", Integer.toString(runtime.threads)));
        }
        if (plain) {
            args.add("--plain");
        }
        try {
            return TrainOptions.parse(args);
        } catch (IllegalArgumentException e) {
            throw Checks.usage(spec, e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        PrintStream console = parent.out();
        TrainOptions base = plan.base();
        Path dir = base.out();
        console.printf(Locale.ROOT, "search: %s, %d trials of %d epochs, %s with %s, %s%n", strategy,
                plan.points().size(), base.epochs(), base.model(), base.optimizer(), plan.pruner() == null
                        ? "no pruning" : "pruning after " + plan.pruner().minCompleted() + " completed trials");
        List<Trial> done = new ArrayList<>();
        TrialRunner runner = (number, point, observer) -> new Training(console).trial(
                options(base, point).withOut(dir.resolve(String.format(Locale.ROOT, "trial-%02d", number))),
                record -> observer.epochEnd(record.epoch(), record.validationAccuracy()));
        HyperparameterSearch.Listener listener = new HyperparameterSearch.Listener() {
            @Override
            public void trialStarted(int number, int total, Point point) {
                console.printf("trial %d/%d: %s%n", number, total, point);
            }

            @Override
            public void trialEnded(Trial trial) {
                done.add(trial);
                console.println(describe(trial));
                try {
                    SearchResults.writeCsv(done, dir.resolve("search.csv"));
                    SearchResults.writePlot(done, dir.resolve("search.png"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the search results to " + dir, e);
                }
            }
        };
        List<Trial> trials = new HyperparameterSearch(base.epochs(), plan.pruner())
                .run(plan.points(), runner, listener);
        console.println("results: " + dir.resolve("search.csv") + ", " + dir.resolve("search.png"));
        Optional<Trial> found = HyperparameterSearch.best(trials);
        if (found.isEmpty()) {
            throw new IllegalStateException("no trial completed (" + count(trials, Trial.Status.PRUNED) + " pruned, "
                    + count(trials, Trial.Status.FAILED) + " failed); see " + dir.resolve("search.csv"));
        }
        Trial best = found.get();
        TrainOptions bestRun = options(base, best.point()).withOut(dir.resolve("best"));
        console.printf(Locale.ROOT, "best: trial %d (%s), validation accuracy %.2f%%; training it once more in %s%n",
                best.number(), best.point(), 100 * best.lastAccuracy(), bestRun.out());
        Evaluation test = new Training(console).train(bestRun);
        double validated = History.readJson(bestRun.out().resolve("metrics.json")).last().validationAccuracy();
        console.printf(Locale.ROOT, "best setting: %s: validation accuracy %.2f%%, test accuracy %.2f%%%n",
                trainArguments(bestRun), 100 * validated, 100 * test.accuracy());
        return 0;
    }

    /** The trial's options: the shared ones with the point's hyper-parameters. */
    static TrainOptions options(TrainOptions base, Point point) {
        return base.withHyperparameters(point.number("lr"), (int) point.number("batch_size"),
                point.number("weight_decay"), point.text("schedule"));
    }

    static String describe(Trial trial) {
        return switch (trial.status()) {
            case COMPLETED -> String.format(Locale.ROOT, "trial %d: completed, validation accuracy %.2f%%",
                    trial.number(), 100 * trial.lastAccuracy());
            case PRUNED -> "trial " + trial.number() + ": pruned: " + trial.reason();
            case FAILED -> "trial " + trial.number() + ": failed: " + trial.reason();
        };
    }

    /** The {@code train} options that repeat a setting. */
    static String trainArguments(TrainOptions o) {
        return String.format(Locale.ROOT, "--model %s --optimizer %s --lr %s --batch-size %d --weight-decay %s "
                + "--schedule %s --epochs %d --seed %d", o.model(), o.optimizer(), o.lr(), o.batchSize(),
                o.weightDecay(), o.schedule(), o.epochs(), o.seed())
                + (o.limit() > 0 ? " --limit " + o.limit() : "")
                + (o.validation() != 5000 ? " --validation " + o.validation() : "")
                + (o.labelSmoothing() != TrainOptions.DEFAULT_LABEL_SMOOTHING
                        ? " --label-smoothing " + o.labelSmoothing() : "");
    }

    private static long count(List<Trial> trials, Trial.Status status) {
        return trials.stream().filter(t -> t.status() == status).count();
    }
}
