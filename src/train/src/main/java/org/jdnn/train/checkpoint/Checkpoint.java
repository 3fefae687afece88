package org.jdnn.train.checkpoint;

import org.jdnn.train.io.AtomicFiles;

import org.jdnn.train.io.Json;

import org.jdnn.nn.Dropout;
import org.jdnn.nn.Module;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.StateDict;
import org.jdnn.optim.schedule.LrScheduler;
import org.jdnn.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training checkpoint: one directory per epoch under {@code <dir>/checkpoints/}, holding
 * {@code model.safetensors} (the model's parameters and buffers under PyTorch-style names, readable by
 * {@code safetensors.torch.load_file}), {@code optimizer.safetensors} (its state tensors, its step counts and
 * hyper-parameters as metadata) and {@code state.json} (epoch, schedule, dropout call counters, run settings).
 * The file {@code checkpoints/latest} names the newest complete one and is replaced last, atomically, so a
 * crash mid-save leaves the previous checkpoint in force.
 */
public final class Checkpoint {
    private static final String MODEL_FILE = "model.safetensors";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String STATE_FILE = "state.json";
    private static final String LATEST = "latest";

    /** What {@code state.json} holds besides the tensors. */
    public record State(int epoch, Map<String, Double> scheduler, Map<String, Long> dropoutCalls,
                        Map<String, String> settings) {
    }

    private Checkpoint() {
    }

    /** Saves a checkpoint of the state after {@code epoch}; keeps only the newest {@code keep} checkpoints. */
    public static Path save(Path dir, int epoch, Module model, Optimizer optimizer, LrScheduler scheduler,
                            Map<String, String> settings, int keep) throws IOException {
        Path root = dir.resolve("checkpoints");
        Path target = root.resolve(String.format("epoch-%04d", epoch));
        StrayTemporaries.removeUnder(root);
        Files.createDirectories(target);
        SafeTensors.write(target.resolve(MODEL_FILE), model.stateDict());
        try (StateDict optimizerState = optimizer.stateDict()) {
            Map<String, String> values = new LinkedHashMap<>();
            optimizerState.values().forEach((k, v) -> values.put(k, Double.toString(v)));
            SafeTensors.write(target.resolve(OPTIMIZER_FILE), new LinkedHashMap<>(optimizerState.tensors()), values);
        }
        Map<String, Long> dropoutCalls = new LinkedHashMap<>();
        dropouts(model, "").forEach((name, d) -> dropoutCalls.put(name, d.calls()));
        State state = new State(epoch, scheduler == null ? Map.of() : scheduler.stateDict(), dropoutCalls, settings);
        AtomicFiles.writeString(target.resolve(STATE_FILE), toJson(state));
        AtomicFiles.writeString(root.resolve(LATEST), target.getFileName().toString());
        prune(root, keep);
        return target;
    }

    /** The newest complete checkpoint under {@code dir}, or a clear exception if there is none. */
    public static Path latest(Path dir) throws IOException {
        Path root = dir.resolve("checkpoints");
        Path pointer = root.resolve(LATEST);
        StrayTemporaries.removeUnder(root);
        if (!Files.isRegularFile(pointer)) {
            throw new NoSuchFileException(pointer.toString(), null, "no checkpoint to resume from in " + dir
                    + " (run train with --out " + dir + " first)");
        }
        Path target = root.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
        if (!Files.isRegularFile(target.resolve(STATE_FILE))) {
            throw new CheckpointException(pointer + " names " + target + ", which has no " + STATE_FILE);
        }
        return target;
    }

    /** Reads a checkpoint's {@code state.json}. */
    public static State readState(Path checkpoint) throws IOException {
        Path file = checkpoint.resolve(STATE_FILE);
        return StateJson.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Loads the model's weights only (e.g. to evaluate); shapes and names are checked. */
    public static void loadModel(Path checkpoint, Module model) throws IOException {
        try (NamedTensors weights = SafeTensors.readVerified(checkpoint.resolve(MODEL_FILE))) {
            model.loadStateDict(weights.tensors());
        }
    }

    /** Restores model, optimizer, schedule and dropout counters; returns the saved state (its epoch is the last one done). */
    public static State restore(Path checkpoint, Module model, Optimizer optimizer, LrScheduler scheduler) throws IOException {
        State state = readState(checkpoint);
        loadModel(checkpoint, model);
        try (NamedTensors saved = SafeTensors.readVerified(checkpoint.resolve(OPTIMIZER_FILE))) {
            Map<String, Double> values = new LinkedHashMap<>();
            saved.metadata().forEach((k, v) -> {
                if (!k.startsWith("jdnn.")) {
                    values.put(k, Double.parseDouble(v));
                }
            });
            optimizer.loadStateDict(new StateDict(saved.tensors(), values));
        }
        if (scheduler != null && !state.scheduler().isEmpty()) {
            scheduler.loadStateDict(state.scheduler());
        }
        Map<String, Dropout> dropouts = dropouts(model, "");
        for (Map.Entry<String, Long> e : state.dropoutCalls().entrySet()) {
            Dropout d = dropouts.get(e.getKey());
            if (d == null) {
                throw new CheckpointException(checkpoint + ": the model has no dropout layer '" + e.getKey() + "'");
            }
            d.restoreCalls(e.getValue());
        }
        return state;
    }

    private static Map<String, Dropout> dropouts(Module module, String prefix) {
        Map<String, Dropout> found = new LinkedHashMap<>();
        if (module instanceof Dropout d) {
            found.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), d);
        }
        module.namedChildren().forEach((name, child) -> found.putAll(dropouts(child, prefix + name + ".")));
        return found;
    }

    private static void prune(Path root, int keep) throws IOException {
        if (keep < 1) {
            return;
        }
        List<Path> checkpoints;
        try (Stream<Path> entries = Files.list(root)) {
            checkpoints = entries.filter(p -> p.getFileName().toString().matches("epoch-\\d{4}") && Files.isDirectory(p))
                    .sorted().toList();
        }
        for (int i = 0; i < checkpoints.size() - keep; i++) {
            try (Stream<Path> files = Files.list(checkpoints.get(i))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(checkpoints.get(i));
        }
    }

    static String toJson(State s) {
        StringBuilder sb = new StringBuilder("{\n  \"epoch\": ").append(s.epoch()).append(",\n  \"scheduler\": {");
        appendEntries(sb, s.scheduler(), v -> Double.toString(v));
        sb.append("},\n  \"dropout_calls\": {");
        appendEntries(sb, s.dropoutCalls(), v -> Long.toString(v));
        sb.append("},\n  \"settings\": {");
        appendEntries(sb, s.settings(), Json::quote);
        return sb.append("}\n}\n").toString();
    }

    private static <V> void appendEntries(StringBuilder sb, Map<String, V> map, java.util.function.Function<V, String> value) {
        String sep = "";
        for (Map.Entry<String, V> e : map.entrySet()) {
            sb.append(sep).append(Json.quote(e.getKey())).append(": ").append(value.apply(e.getValue()));
            sep = ", ";
        }
    }

    /** Parses {@code state.json}; every field is checked (type and range), and an error names it and its value. */
    static State fromJson(String text) throws CheckpointException {
        return StateJson.parse(text, STATE_FILE);
    }
}
