package org.jdnn.playground;

import org.jdnn.autograd.Autograd;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.data.Batch;
import org.jdnn.data.DataLoader;
import org.jdnn.data.InMemoryDataset;
import org.jdnn.data.PlaneDatasets;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Dropout;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.Sigmoid;
import org.jdnn.nn.Tanh;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.RMSprop;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * One playground: a data set, a small network (Linear layers with the chosen activation, optional dropout, two
 * output logits under cross-entropy) and its optimizer, trained epoch by epoch on a thread of its own.
 *
 * <p>Everything that touches the model runs on that one thread, commands included: {@link #start()} queues epochs
 * one after the other, and a command sent meanwhile runs between two epochs. So a state always shows a whole
 * epoch, and the pictures depend only on the config (its seed) and the number of epochs, not on timing.
 */
public final class PlaygroundSession implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Backend backend;
    private final ExecutorService worker;

    // Confined to the worker thread.
    private PlaygroundConfig config;
    private PlaneDatasets.Split data;
    private Module model;
    private Optimizer optimizer;
    private DataLoader loader;
    private boolean running;
    private boolean loopQueued;
    private int epoch;
    private long steps;
    private String message = "";
    private final List<Integer> epochs = new ArrayList<>();
    private final List<Float> trainLosses = new ArrayList<>();
    private final List<Float> testLosses = new ArrayList<>();
    private Score trainScore;
    private Score testScore;

    /** A set's mean cross-entropy and accuracy. */
    private record Score(double loss, double accuracy) {
    }

    /** Builds the session for {@code config}, training on {@code backend}; nothing runs until {@link #start()}. */
    public PlaygroundSession(PlaygroundConfig config, Backend backend) {
        this.backend = backend;
        this.worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("jdnn-playground").factory());
        try {
            call(() -> {
                rebuild(config);
                return null;
            });
        } catch (RuntimeException e) {
            worker.shutdown();
            throw e;
        }
    }

    /** The current state. */
    public PlaygroundState state() {
        return call(this::snapshot);
    }

    /** Trains epoch after epoch until {@link #pause()}, {@link #step()} or {@link #reset}. */
    public PlaygroundState start() {
        return call(() -> {
            running = true;
            message = "";
            if (!loopQueued) {
                loopQueued = true;
                worker.execute(this::loop);
            }
            return snapshot();
        });
    }

    /** Stops training after the epoch under way. */
    public PlaygroundState pause() {
        return call(() -> {
            running = false;
            return snapshot();
        });
    }

    /** Pauses, then trains one epoch. */
    public PlaygroundState step() {
        return call(() -> {
            running = false;
            trainEpoch();
            return snapshot();
        });
    }

    /** Pauses and starts again from epoch 0 with {@code config}: new points, new weights. */
    public PlaygroundState reset(PlaygroundConfig config) {
        return call(() -> {
            running = false;
            rebuild(config);
            return snapshot();
        });
    }

    /** The config in use. */
    public PlaygroundConfig config() {
        return call(() -> config);
    }

    @Override
    public void close() {
        try {
            call(() -> {
                running = false;
                release();
                return null;
            });
        } finally {
            worker.shutdown();
        }
    }

    /** Runs {@code task} on the worker thread, on the session's backend, and waits for it. */
    private <T> T call(Supplier<T> task) {
        Future<T> result = worker.submit(() -> Backends.with(backend, task));
        try {
            return result.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("playground: interrupted while waiting for the training thread", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("playground: the training thread did not answer within "
                    + COMMAND_TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("playground: " + e.getCause(), e.getCause());
        }
    }

    /** One epoch, then itself again at the back of the queue, so that commands get their turn in between. */
    private void loop() {
        if (!running) {
            loopQueued = false;
            return;
        }
        try {
            Backends.with(backend, this::trainEpoch);
        } catch (RuntimeException e) {
            // Nobody waits on this task: stop, and let the page say why.
            running = false;
            loopQueued = false;
            message = "training stopped at epoch " + epoch + ": " + e.getMessage();
            return;
        }
        worker.execute(this::loop);
    }

    private void rebuild(PlaygroundConfig next) {
        release();
        config = next;
        data = PlaneDatasets.split(PlaneDatasets.Kind.of(next.dataset()), next.samples(), next.noise(),
                next.testFraction(), next.seed());
        model = network(next);
        optimizer = optimizer(next, model.parameters());
        loader = DataLoader.builder(data.train()).batchSize(next.batchSize()).shuffle(next.seed()).build();
        epoch = 0;
        steps = 0;
        message = "";
        epochs.clear();
        trainLosses.clear();
        testLosses.clear();
        record();
    }

    private void release() {
        if (loader != null) {
            loader.close();
            optimizer.close();
            model.close();
        }
    }

    private void trainEpoch() {
        model.train();
        for (Batch batch : loader.epoch(epoch)) {
            try (Scope scope = Scope.open()) {
                Tensor loss = Losses.crossEntropy(model.call(batch.features()), batch.labelArray());
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                steps++;
            }
        }
        epoch++;
        record();
        if (!Double.isFinite(trainScore.loss())) {
            running = false;
            message = "training diverged at epoch " + epoch + " (loss " + trainScore.loss()
                    + "): lower the learning rate and reset";
        }
    }

    /** Scores both sets and appends the losses to the history. */
    private void record() {
        trainScore = score(data.train());
        testScore = score(data.test());
        epochs.add(epoch);
        trainLosses.add((float) trainScore.loss());
        testLosses.add((float) testScore.loss());
    }

    private Score score(InMemoryDataset set) {
        float[] xy = points(set);
        int[] labels = labels(set);
        float[] logits = logits(xy);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            float l0 = logits[2 * i];
            float l1 = logits[2 * i + 1];
            double max = Math.max(l0, l1);
            double logSum = max + Math.log(Math.exp(l0 - max) + Math.exp(l1 - max));
            loss += logSum - (labels[i] == 1 ? l1 : l0);
            correct += (l1 > l0 ? 1 : 0) == labels[i] ? 1 : 0;
        }
        return new Score(loss / labels.length, (double) correct / labels.length);
    }

    /** The network's two logits for each point of {@code xy}, in evaluation mode (no dropout) and without a graph. */
    private float[] logits(float[] xy) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            return model.call(Tensor.of(xy, xy.length / 2, 2)).toFloatArray();
        } finally {
            model.train(wasTraining);
        }
    }

    private PlaygroundState snapshot() {
        double e = PlaneDatasets.EXTENT;
        int n = PlaygroundState.GRID;
        float[] cells = new float[2 * n * n];
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                int i = row * n + col;
                cells[2 * i] = (float) (-e + (col + 0.5) * 2 * e / n);
                cells[2 * i + 1] = (float) (e - (row + 0.5) * 2 * e / n);
            }
        }
        float[] logits = logits(cells);
        float[] probabilities = new float[n * n];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = (float) (1 / (1 + Math.exp(logits[2 * i] - logits[2 * i + 1])));
        }
        int[] picked = historyIndices(epochs.size(), PlaygroundState.MAX_HISTORY);
        int[] historyEpochs = new int[picked.length];
        float[] historyTrain = new float[picked.length];
        float[] historyTest = new float[picked.length];
        for (int i = 0; i < picked.length; i++) {
            historyEpochs[i] = epochs.get(picked[i]);
            historyTrain[i] = trainLosses.get(picked[i]);
            historyTest[i] = testLosses.get(picked[i]);
        }
        return new PlaygroundState(config, running, epoch, steps, trainScore.loss(), testScore.loss(),
                trainScore.accuracy(), testScore.accuracy(), historyEpochs, historyTrain, historyTest, e,
                probabilities, points(data.train()), labels(data.train()), points(data.test()), labels(data.test()),
                message);
    }

    /** Indices of at most {@code max} of {@code size} history entries, evenly spread, the first and the last included. */
    static int[] historyIndices(int size, int max) {
        if (size <= max) {
            return IntStream.range(0, size).toArray();
        }
        int[] picked = new int[max];
        for (int i = 0; i < max; i++) {
            picked[i] = (int) Math.round((double) i * (size - 1) / (max - 1));
        }
        return picked;
    }

    private static float[] points(InMemoryDataset set) {
        float[] xy = new float[2 * set.size()];
        for (int i = 0; i < set.size(); i++) {
            set.copyFeatures(i, xy, 2 * i);
        }
        return xy;
    }

    private static int[] labels(InMemoryDataset set) {
        int[] labels = new int[set.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = set.label(i);
        }
        return labels;
    }

    /** Linear layers 2 -> hidden... -> 2, the activation (and dropout) after each hidden one; weights from the seed. */
    static Module network(PlaygroundConfig config) {
        SplittableRandom random = new SplittableRandom(config.seed());
        Sequential net = new Sequential();
        long in = 2;
        for (int units : config.hidden()) {
            net.add(new Linear(in, units, true, random));
            switch (config.activation()) {
                case "relu" -> net.add(new ReLU());
                case "tanh" -> net.add(new Tanh());
                case "sigmoid" -> net.add(new Sigmoid());
                default -> { } // linear: no activation
            }
            if (config.dropout() > 0) {
                net.add(new Dropout((float) config.dropout(), random.nextLong()));
            }
            in = units;
        }
        net.add(new Linear(in, 2, true, random));
        return net;
    }

    /** The optimizer, with the L2 penalty as weight decay (its gradient, {@code l2 * w}, added to every gradient). */
    static Optimizer optimizer(PlaygroundConfig config, List<Tensor> params) {
        double lr = config.learningRate();
        double l2 = config.l2();
        return switch (config.optimizer()) {
            case "sgd" -> new SGD(params, new SgdParams(lr, 0, 0, false, l2));
            case "momentum" -> new SGD(params, new SgdParams(lr, 0.9, 0, false, l2));
            case "adam" -> new Adam(params, new AdamParams(lr, 0.9, 0.999, 1e-8, l2, false));
            case "rmsprop" -> new RMSprop(params, new RmspropParams(lr, 0.99, 1e-8, l2, 0, false));
            default -> throw new IllegalArgumentException("optimizer: unknown '" + config.optimizer() + "'");
        };
    }
}
