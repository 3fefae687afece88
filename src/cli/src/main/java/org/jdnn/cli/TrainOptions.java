package org.jdnn.cli;

import org.jdnn.nn.models.Models;
import org.jdnn.train.checkpoint.CheckpointException;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's validated settings, as the {@code train} command builds them from its options (and {@code eval},
 * {@code predict} and {@code train --resume} from a checkpoint's {@code state.json}). Defaults give a LeNet-5 run
 * that finishes on 2 cores in a few minutes.
 */
public record TrainOptions(String model, int epochs, int batchSize, String optimizer, double lr, double weightDecay,
                           String schedule, long seed, String backend, Path data, Path out, boolean resume,
                           int validation, int patience, double clipGradNorm, double labelSmoothing, int limit,
                           int threads, boolean plain, int gradHealth, String precision, String device) {

    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad");
    public static final List<String> SCHEDULES = List.of("none", "step", "cosine", "warmup-cosine", "restarts", "plateau");
    /** fp32, or bf16: convolutions and matmuls in bf16 with float32 weights and sums (Autocast.bf16()). */
    public static final List<String> PRECISIONS = List.of("fp32", "bf16");

    /**
     * Label smoothing is on by default: on LeNet (5 epochs, He init, seeds 42 / 1 / 2) it took the test accuracy from
     * 88.57 / 87.46 / 88.69 % to 89.27 / 87.75 / 88.79 %, and at 10 epochs (seed 42) from 89.37 to 89.66 %. The
     * training and validation losses printed then include the smoothing term, so they level off higher (about 0.75
     * instead of 0.3); the test loss is always plain cross-entropy.
     */
    static final double DEFAULT_LABEL_SMOOTHING = 0.1;

    /** The default learning rate: 0.05 for the SGD family, 1e-3 for the adaptive optimizers. */
    static double defaultLr(String optimizer) {
        return switch (optimizer) {
            case "sgd", "momentum", "nesterov" -> 0.05;
            default -> 1e-3;
        };
    }

    /**
     * Parses {@code train}'s options (without the command name); throws IllegalArgumentException with the
     * one-line message the command line prints. Nothing native is loaded.
     */
    public static TrainOptions parse(List<String> args) {
        TrainCommand command = new TrainCommand();
        try {
            new CommandLine(command).parseArgs(args.toArray(String[]::new));
            return command.options();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The settings a checkpoint records, so that resume, eval and predict rebuild the same run. */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("model", model);
        s.put("batch_size", Integer.toString(batchSize));
        s.put("optimizer", optimizer);
        s.put("lr", Double.toString(lr));
        s.put("weight_decay", Double.toString(weightDecay));
        s.put("schedule", schedule);
        s.put("seed", Long.toString(seed));
        s.put("validation", Integer.toString(validation));
        s.put("label_smoothing", Double.toString(labelSmoothing));
        s.put("limit", Integer.toString(limit));
        s.put("epochs", Integer.toString(epochs));
        return s;
    }

    /**
     * These options with the run-defining settings of a checkpoint (epochs, backend, data, out, threads stay as
     * given). Every setting is checked as the command line checks it; an error names {@code source} (the
     * state.json file), the setting and its value.
     */
    TrainOptions withSettings(Map<String, String> s, String source) throws CheckpointException {
        SettingsReader r = new SettingsReader(s, source);
        String model = r.oneOf("model", Models.NAMES);
        return new TrainOptions(model, epochs, r.integer("batch_size", 1), r.oneOf("optimizer", OPTIMIZERS),
                r.number("lr", false), r.number("weight_decay", true), r.oneOf("schedule", SCHEDULES),
                r.longInteger("seed"), backend, data, out, resume, r.integer("validation", 0), patience, clipGradNorm,
                r.fraction("label_smoothing"), r.integer("limit", 0), threads, plain, gradHealth, precision, device);
    }

    /** These options with other hyper-parameters (a search trial's). */
    public TrainOptions withHyperparameters(double lr, int batchSize, double weightDecay, String schedule) {
        return new TrainOptions(model, epochs, batchSize, optimizer, lr, weightDecay, schedule, seed, backend, data, out,
                resume, validation, patience, clipGradNorm, labelSmoothing, limit, threads, plain, gradHealth, precision,
                device);
    }

    /** These options writing their results to {@code directory}. */
    public TrainOptions withOut(Path directory) {
        return new TrainOptions(model, epochs, batchSize, optimizer, lr, weightDecay, schedule, seed, backend, data,
                directory, resume, validation, patience, clipGradNorm, labelSmoothing, limit, threads, plain, gradHealth, precision,
                device);
    }

    /** Defaults for the settings a checkpoint supplies, with the options {@code eval} and {@code predict} take. */
    static TrainOptions forCheckpoint(Path out, Path data, String backend, int threads) {
        return forCheckpoint(out, data, backend, threads, "fp32");
    }

    /** As {@link #forCheckpoint(Path, Path, String, int)}, running in {@code precision} (fp32 or bf16). */
    static TrainOptions forCheckpoint(Path out, Path data, String backend, int threads, String precision) {
        return new TrainOptions("lenet", 1, 128, "adam", 1e-3, 0, "none", 42, backend, data, out, false, 0, 0, 0,
                DEFAULT_LABEL_SMOOTHING, 0, threads, true, 0, precision, "cpu");
    }

    /** Reads and checks a checkpoint's settings (strings in state.json); errors name the file, key and value. */
    private record SettingsReader(Map<String, String> settings, String source) {
        private String text(String key) throws CheckpointException {
            String value = settings.get(key);
            if (value == null) {
                throw new CheckpointException(source + ": the setting \"" + key + "\" is missing (checkpoints "
                        + "written by jdnn train record it; was this one written by another program, or edited?)");
            }
            return value;
        }

        private CheckpointException bad(String key, String expected) {
            return new CheckpointException(source + ": the setting \"" + key + "\" must be " + expected
                    + ", got \"" + settings.get(key) + "\"");
        }

        String oneOf(String key, List<String> allowed) throws CheckpointException {
            String value = text(key);
            if (!allowed.contains(value)) {
                throw bad(key, "one of " + allowed);
            }
            return value;
        }

        int integer(String key, int min) throws CheckpointException {
            String expected = "an integer from " + min + " to " + Integer.MAX_VALUE;
            try {
                int value = Integer.parseInt(text(key));
                if (value >= min) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below with the value
            }
            throw bad(key, expected);
        }

        long longInteger(String key) throws CheckpointException {
            try {
                return Long.parseLong(text(key));
            } catch (NumberFormatException e) {
                throw bad(key, "an integer");
            }
        }

        double number(String key, boolean zeroAllowed) throws CheckpointException {
            String expected = zeroAllowed ? "a number >= 0" : "a number > 0";
            try {
                double value = Double.parseDouble(text(key));
                if (Double.isFinite(value) && (value > 0 || (zeroAllowed && value == 0))) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below with the value
            }
            throw bad(key, expected);
        }

        double fraction(String key) throws CheckpointException {
            try {
                double value = Double.parseDouble(text(key));
                if (value >= 0 && value <= 1) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below with the value
            }
            throw bad(key, "a number from 0 to 1");
        }
    }
}
