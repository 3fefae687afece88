package org.jdnn.train.report;

import org.jdnn.train.io.AtomicFiles;

import org.jdnn.train.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The per-epoch records of a training run, in epoch order, written as JSON (read back on resume) and as CSV
 * (for spreadsheets and plotting tools).
 *
 * <p>The JSON is {@code {"format": "jdnn-history", "version": 1, "epochs": [{"epoch": 1, "train_loss": ...}, ...]}};
 * the CSV has a header row with the same column names. Numbers are written with {@link Double#toString} so they
 * read back bit for bit; values that are not finite (not measured) are {@code null} in JSON and empty in CSV, and
 * read back as NaN. Both files are written atomically.
 */
public final class History {
    static final String FORMAT = "jdnn-history";
    static final int VERSION = 1;

    /** The column names, in CSV order; also the JSON keys of one epoch. */
    public static final List<String> COLUMNS = List.of("epoch", "train_loss", "train_accuracy", "validation_loss",
            "validation_accuracy", "learning_rate", "seconds", "images_per_second");

    private static final List<ToDoubleFunction<EpochRecord>> GETTERS = List.of(
            EpochRecord::epoch, EpochRecord::trainLoss, EpochRecord::trainAccuracy, EpochRecord::validationLoss,
            EpochRecord::validationAccuracy, EpochRecord::learningRate, EpochRecord::seconds, EpochRecord::imagesPerSecond);

    private final List<EpochRecord> records = new ArrayList<>();

    /** An empty history. */
    public History() {
    }

    /** A history holding {@code records} (epochs strictly increasing). */
    public History(List<EpochRecord> records) {
        records.forEach(this::add);
    }

    /** Appends one epoch; its number must be greater than the last one's. */
    public History add(EpochRecord record) {
        if (!records.isEmpty() && record.epoch() <= last().epoch()) {
            throw new IllegalArgumentException("History.add: epoch " + record.epoch() + " after epoch " + last().epoch()
                    + " (epochs must increase)");
        }
        records.add(record);
        return this;
    }

    /** The records, oldest first (an unmodifiable view). */
    public List<EpochRecord> records() {
        return Collections.unmodifiableList(records);
    }

    /** The number of records. */
    public int size() {
        return records.size();
    }

    /** Whether there is no record. */
    public boolean isEmpty() {
        return records.isEmpty();
    }

    /** The newest record. */
    public EpochRecord last() {
        if (records.isEmpty()) {
            throw new IllegalStateException("History.last: the history is empty");
        }
        return records.getLast();
    }

    /** A new history with the records of epochs {@code <= epoch} (resuming from a checkpoint of that epoch). */
    public History upTo(int epoch) {
        History h = new History();
        for (EpochRecord r : records) {
            if (r.epoch() <= epoch) {
                h.add(r);
            }
        }
        return h;
    }

    // ---- JSON ----

    /** The history as JSON text. */
    public String toJson() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"format\": \"").append(FORMAT).append("\",\n  \"version\": ").append(VERSION).append(",\n  \"epochs\": [");
        for (int i = 0; i < records.size(); i++) {
            sb.append(i == 0 ? "\n    {" : ",\n    {");
            EpochRecord r = records.get(i);
            for (int c = 0; c < COLUMNS.size(); c++) {
                if (c > 0) {
                    sb.append(", ");
                }
                sb.append('"').append(COLUMNS.get(c)).append("\": ");
                if (c == 0) {
                    sb.append(r.epoch());
                } else {
                    double v = GETTERS.get(c).applyAsDouble(r);
                    sb.append(Double.isFinite(v) ? Double.toString(v) : "null");
                }
            }
            sb.append('}');
        }
        sb.append(records.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return sb.toString();
    }

    /** Writes {@link #toJson()} to {@code file} atomically (parent directories are created). */
    public void writeJson(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    /** Reads a history written by {@link #writeJson}; a malformed file fails with a message naming it and the problem. */
    public static History readJson(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses {@link #toJson()} text; {@code source} names it in error messages. */
    public static History fromJson(String json, String source) throws IOException {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.SyntaxException e) {
            throw new IOException("history " + source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new IOException("history " + source + ": expected a JSON object at the top");
        }
        if (!FORMAT.equals(top.get("format"))) {
            throw new IOException("history " + source + ": \"format\" is " + top.get("format") + ", expected \"" + FORMAT + "\"");
        }
        if (!(top.get("version") instanceof Number version) || version.doubleValue() != VERSION) {
            throw new IOException("history " + source + ": unsupported \"version\" " + top.get("version") + " (this reader knows " + VERSION + ")");
        }
        if (!(top.get("epochs") instanceof List<?> epochs)) {
            throw new IOException("history " + source + ": \"epochs\" must be an array");
        }
        History history = new History();
        for (int i = 0; i < epochs.size(); i++) {
            if (!(epochs.get(i) instanceof Map<?, ?> entry)) {
                throw new IOException("history " + source + ": epochs[" + i + "] is not an object");
            }
            double[] v = new double[COLUMNS.size()];
            for (int c = 0; c < COLUMNS.size(); c++) {
                String key = COLUMNS.get(c);
                if (!entry.containsKey(key)) {
                    throw new IOException("history " + source + ": epochs[" + i + "] has no \"" + key + "\"");
                }
                Object value = entry.get(key);
                if (value == Json.NULL && c > 0) {
                    v[c] = Double.NaN;
                } else if (value instanceof Number d) {
                    v[c] = d.doubleValue();
                } else {
                    throw new IOException("history " + source + ": epochs[" + i + "]." + key + " is " + value + ", not a number");
                }
            }
            if (v[0] != Math.rint(v[0]) || v[0] < 1 || v[0] > Integer.MAX_VALUE) {
                throw new IOException("history " + source + ": epochs[" + i + "].epoch is " + v[0] + ", not a positive integer");
            }
            try {
                history.add(new EpochRecord((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
            } catch (IllegalArgumentException e) {
                throw new IOException("history " + source + ": epochs[" + i + "]: " + e.getMessage(), e);
            }
        }
        return history;
    }

    // ---- CSV ----

    /** The history as CSV: a header row of {@link #COLUMNS}, then one row per epoch. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (EpochRecord r : records) {
            sb.append(r.epoch());
            for (int c = 1; c < COLUMNS.size(); c++) {
                double v = GETTERS.get(c).applyAsDouble(r);
                sb.append(',');
                if (Double.isFinite(v)) {
                    sb.append(v);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file} atomically (parent directories are created). */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.writeString(file, toCsv());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof History h && h.records.equals(records);
    }

    @Override
    public int hashCode() {
        return records.hashCode();
    }

    @Override
    public String toString() {
        return "History" + records;
    }
}
