package org.jdnn.matrix;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the matrix saw, per op and backend: samples compared, rejected as expected, run on a declared fallback or
 * without a native primitive, failed; the worst errors forward and backward and the samples that produced them.
 * Printed once at the end of the run.
 */
final class MatrixReport {
    /** The largest value seen of one error measure, and where. */
    static final class Worst {
        private double value;
        private String sample = "-";

        synchronized void offer(double v, String where) {
            if (v > value) {
                value = v;
                sample = where;
            }
        }

        @Override
        public synchronized String toString() {
            return String.format("%.2e", value) + (value > 0 ? " (" + sample + ")" : "");
        }
    }

    /** One op on one backend. */
    static final class Row {
        int compared;
        int rejected;
        int onFallback;
        int withoutPrimitive;
        int nativeRuns;
        int onDevice;
        boolean exact;
        boolean primitivesObservable;
        int failed;
        String firstFailure;
        final java.util.List<String> known = new java.util.ArrayList<>();
        String skipped;
        boolean differentiable;
        final Map<String, Integer> fallbacks = new TreeMap<>();
        final Map<String, Integer> knownDifferences = new TreeMap<>();
        final Worst forwardAbs = new Worst(), forwardRel = new Worst();
        final Worst backwardAbs = new Worst(), backwardRel = new Worst();
        final Worst finiteDifferences = new Worst(), dotProduct = new Worst();
    }

    private final Map<String, Map<String, Row>> rows = new LinkedHashMap<>();

    synchronized Row row(String op, String backend) {
        return rows.computeIfAbsent(op, k -> new LinkedHashMap<>()).computeIfAbsent(backend, k -> new Row());
    }

    synchronized void failed(String op, String backend, String message) {
        Row row = row(op, backend);
        if (row.failed++ == 0) {
            row.firstFailure = message;
        }
    }

    /** A case that differs from the reference as {@link KnownDifferences} lists. */
    synchronized void known(String op, String backend, String message) {
        row(op, backend).known.add(message);
    }

    synchronized void print(PrintStream out, long seed, double seconds) {
        out.println();
        out.printf("=== op matrix: %d ops, seed %d, %.1f s ===%n", rows.size(), seed, seconds);
        rows.forEach((op, backends) -> {
            out.println(op);
            backends.forEach((backend, r) -> {
                String name = String.format("  %-10s ", backend);
                if (r.skipped != null) {
                    out.println(name + "skipped: " + (r.skipped.length() <= 160 ? r.skipped
                            : r.skipped.substring(0, 160) + "... (the full reason is on the skipped test)"));
                    return;
                }
                String pad = " ".repeat(name.length());
                boolean reference = backend.equals(OpMatrixTest.REFERENCE);
                out.println(name + r.compared + (reference ? " computed" : " compared") + ", " + r.rejected
                        + " rejected as expected" + (reference ? "" : (r.primitivesObservable ? ", " + r.nativeRuns
                        + " ran a native primitive" : "") + ", " + r.onFallback + " on a declared fallback"
                        + (r.primitivesObservable ? ", " + r.withoutPrimitive + " without a primitive" : "")
                        + ", " + r.onDevice + " computed on its device" + (r.exact ? ", bit for bit" : ""))
                        + (r.failed > 0 ? ", " + r.failed + " FAILED" : ""));
                if (reference && r.differentiable) {
                    out.println(pad + "finite differences max|fd - g|/(1+|g|) " + r.finiteDifferences);
                    out.println(pad + "dot product test   max rel " + r.dotProduct);
                } else if (!reference) {
                    out.println(pad + "forward  max|err| " + r.forwardAbs + "; max rel " + r.forwardRel);
                    if (r.differentiable) {
                        out.println(pad + "backward max|err| " + r.backwardAbs + "; max rel " + r.backwardRel);
                    }
                }
                r.fallbacks.forEach((reason, n) -> out.println(pad + "fallback x" + n + ": " + reason));
                r.known.forEach(k -> out.println(pad + "KNOWN DIFFERENCE: " + k.replace("\n", " ")));
                r.knownDifferences.forEach((reason, n) -> out.println(pad + "KNOWN DIFFERENCE x" + n + ": " + reason));
                if (r.firstFailure != null) {
                    out.println(pad + "first failure: " + r.firstFailure);
                }
            });
        });
        out.println("=== end of op matrix ===");
    }
}
