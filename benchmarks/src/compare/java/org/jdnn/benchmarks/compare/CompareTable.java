package org.jdnn.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prints the side-by-side table from the result lines both sides wrote: per model, training images/s and step time,
 * inference images/s and the peak resident memory of each side, and the ratios jdnn / PyTorch of the throughputs
 * (above 1: jdnn is faster). When a side ran a model more than once, each time is its best over the runs and the
 * memory its highest: on a shared machine the slower runs measure the other work more than the kernels.
 */
public final class CompareTable {
    private CompareTable() {
    }

    static String table(List<Result> results) {
        Map<String, Map<String, Result>> best = new LinkedHashMap<>();
        for (Result r : results) {
            best.computeIfAbsent(r.model(), m -> new LinkedHashMap<>())
                    .merge(r.side(), r, CompareTable::best);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| model | batch | timed steps | jdnn train img/s | PyTorch train img/s | train ratio | jdnn step ms"
                + " | PyTorch step ms | jdnn infer img/s | PyTorch infer img/s | infer ratio | jdnn peak RSS MiB"
                + " | PyTorch peak RSS MiB |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Result>> e : best.entrySet()) {
            Optional<Result> t = Optional.ofNullable(e.getValue().get("pytorch"));
            List<Result> jdnnRuns = e.getValue().values().stream().filter(r -> r.side().startsWith("jdnn")).toList();
            if (jdnnRuns.isEmpty()) {
                row(sb, e.getKey(), Optional.empty(), t);
            }
            for (Result j : jdnnRuns) {
                row(sb, e.getKey() + precisionLabel(j.side()), Optional.of(j), t);
            }
        }
        return sb.toString();
    }

    /**
     * One row: jdnn's run {@code j} (side {@code jdnn}, or {@code jdnn-bf16} for a run under bf16 autocast) beside
     * PyTorch's {@code t} of the same model.
     */
    private static void row(StringBuilder sb, String label, Optional<Result> j, Optional<Result> t) {
        Result any = j.orElseGet(t::orElseThrow);
        sb.append("| ").append(label).append(" | ").append(any.batch()).append(" | ").append(any.steps());
        cell(sb, j.map(Result::trainImagesPerSecond), "%,.0f");
        cell(sb, t.map(Result::trainImagesPerSecond), "%,.0f");
        cell(sb, ratio(j.map(Result::trainImagesPerSecond), t.map(Result::trainImagesPerSecond)), "%.2fx");
        cell(sb, j.map(Result::trainStepMillis), "%,.2f");
        cell(sb, t.map(Result::trainStepMillis), "%,.2f");
        cell(sb, j.map(Result::inferImagesPerSecond), "%,.0f");
        cell(sb, t.map(Result::inferImagesPerSecond), "%,.0f");
        cell(sb, ratio(j.map(Result::inferImagesPerSecond), t.map(Result::inferImagesPerSecond)), "%.2fx");
        cell(sb, j.map(r -> r.peakResidentBytes() / 1048576.0), "%,.0f");
        cell(sb, t.map(r -> r.peakResidentBytes() / 1048576.0), "%,.0f");
        sb.append(" |\n");
    }

    /** " (bf16)" for the side {@code jdnn-bf16}; nothing for {@code jdnn} (float32). */
    private static String precisionLabel(String side) {
        return side.equals("jdnn") ? "" : " (" + side.substring("jdnn-".length()) + ")";
    }

    /** The faster step and inference of two runs of one side and model, and the higher peak memory. */
    static Result best(Result a, Result b) {
        return new Result(a.side(), a.model(), a.batch(), a.steps(), Math.min(a.trainStepMillis(), b.trainStepMillis()),
                Math.min(a.inferMillis(), b.inferMillis()), Math.max(a.peakResidentBytes(), b.peakResidentBytes()),
                a.threads());
    }

    private static Optional<Double> ratio(Optional<Double> jdnn, Optional<Double> pytorch) {
        return jdnn.flatMap(a -> pytorch.map(b -> a / b));
    }

    private static void cell(StringBuilder sb, Optional<Double> value, String format) {
        sb.append(" | ").append(value.map(v -> String.format(Locale.ROOT, format, v)).orElse("-"));
    }

    /** {@code CompareTable RESULTS.tsv}: prints the markdown table. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CompareTable RESULTS_FILE");
        }
        List<Result> results = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                results.add(Result.parse(line));
            }
        }
        results.sort(Comparator.comparingInt(r -> Workload.NAMES.indexOf(r.model())));
        System.out.print(table(results));
    }
}
