package org.jdnn.benchmarks.compare;

import java.util.Locale;

/**
 * What one side measured for one workload: milliseconds per training step and per inference batch, and the
 * process's peak resident memory. One line of text per result, tab-separated, so that the two JVMs can hand their
 * results to {@link CompareTable}.
 */
public record Result(String side, String model, int batch, int steps, double trainStepMillis, double inferMillis,
                     long peakResidentBytes, int threads) {

    public double trainImagesPerSecond() {
        return batch * 1000.0 / trainStepMillis;
    }

    public double inferImagesPerSecond() {
        return batch * 1000.0 / inferMillis;
    }

    public String toLine() {
        return String.join("\t", side, model, Integer.toString(batch), Integer.toString(steps),
                String.format(Locale.ROOT, "%.4f", trainStepMillis), String.format(Locale.ROOT, "%.4f", inferMillis),
                Long.toString(peakResidentBytes), Integer.toString(threads));
    }

    public static Result parse(String line) {
        String[] f = line.split("\t");
        if (f.length != 8) {
            throw new IllegalArgumentException("result line: expected 8 tab-separated fields, got " + f.length + ": " + line);
        }
        return new Result(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]),
                Double.parseDouble(f[5]), Long.parseLong(f[6]), Integer.parseInt(f[7]));
    }
}
