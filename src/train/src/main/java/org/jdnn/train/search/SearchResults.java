package org.jdnn.train.search;

import org.jdnn.train.io.AtomicFiles;
import org.jdnn.train.report.Plots;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A search's trials as a table, {@code search.csv}, and a plot of their validation accuracy per epoch,
 * {@code search.png}. The CSV has a row per trial, in trial order:
 * {@code trial, <each hyper-parameter>, status, epochs, validation_accuracy, validation_accuracy_1 .. _E, reason};
 * accuracies are fractions, {@code validation_accuracy} is the last epoch's (the score), numbers are written in
 * full (a learning rate can be passed to {@code train} as it is), and cells not measured are empty.
 */
public final class SearchResults {
    private SearchResults() {
    }

    /** The CSV text for {@code trials} (all from one search space). */
    public static String toCsv(List<Trial> trials) {
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("SearchResults: no trials to write");
        }
        List<String> names = List.copyOf(trials.getFirst().point().values().keySet());
        int epochs = trials.stream().mapToInt(Trial::epochs).max().orElse(0);
        List<String> header = new ArrayList<>(List.of("trial"));
        header.addAll(names);
        header.addAll(List.of("status", "epochs", "validation_accuracy"));
        for (int e = 1; e <= epochs; e++) {
            header.add("validation_accuracy_" + e);
        }
        header.add("reason");
        StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
        for (Trial t : trials) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(t.number())));
            for (String name : names) {
                row.add(cell(exact(t.point().values().get(name))));
            }
            row.add(t.status().label());
            row.add(Integer.toString(t.epochs()));
            row.add(number(t.lastAccuracy()));
            for (int e = 0; e < epochs; e++) {
                row.add(e < t.epochs() ? number(t.validationAccuracy().get(e)) : "");
            }
            row.add(cell(t.reason()));
            csv.append(String.join(",", row)).append('\n');
        }
        return csv.toString();
    }

    /** Writes {@link #toCsv} to {@code file} atomically. */
    public static void writeCsv(List<Trial> trials, Path file) throws IOException {
        AtomicFiles.writeString(file, toCsv(trials));
    }

    /**
     * Validation accuracy (in percent) per epoch, a line per trial labelled with its number, the hyper-parameters
     * that differ between trials, and how it ended when it did not complete (a failed trial may have no point).
     */
    public static void writePlot(List<Trial> trials, Path png) throws IOException {
        List<String> varied = new ArrayList<>();
        for (String name : trials.getFirst().point().values().keySet()) {
            if (trials.stream().map(t -> t.point().values().get(name)).distinct().count() > 1) {
                varied.add(name);
            }
        }
        Map<String, double[][]> lines = new LinkedHashMap<>();
        for (Trial t : trials) {
            double[] epochs = new double[t.epochs()];
            double[] percent = new double[t.epochs()];
            for (int e = 0; e < t.epochs(); e++) {
                epochs[e] = e + 1;
                percent[e] = 100 * t.validationAccuracy().get(e);
            }
            StringJoiner label = new StringJoiner(", ", "trial " + t.number() + " (", ")")
                    .setEmptyValue("trial " + t.number());
            varied.forEach(name -> label.add(name + " " + Point.format(t.point().values().get(name))));
            String ended = t.status() == Trial.Status.COMPLETED ? "" : " " + t.status().label();
            lines.put(label + ended, new double[][] {epochs, percent});
        }
        Plots.lineChart("Validation accuracy per trial", "epoch", "validation accuracy (%)", lines, png);
    }

    /** A value in full: whole numbers without a fraction (batch sizes), others as {@link Double#toString}. */
    static String exact(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    /** A CSV cell, quoted when it holds a comma, a quote or a line break (RFC 4180). */
    static String cell(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
