package org.jdnn.train.report;

import org.jdnn.functional.Functional;
import org.jdnn.tensor.Tensor;

/**
 * Classification metrics from logits: the predicted class of a row is its arg-max as {@code torch.argmax}: the
 * first maximum on ties, and a NaN logit counts as the maximum (the first NaN of a row wins, so a row of NaNs
 * predicts class 0); accuracy is the fraction of rows whose prediction equals the label. A diverged model shows up as
 * a poor accuracy instead of an exception in the metric.
 *
 * <p>Logits are a {@code [N, C]} tensor or a row-major {@code float[]} of {@code N*C} values; labels are class
 * indices in {@code [0, C)}. For a tensor the arg-max runs on its backend, and only the N predictions are copied
 * to the host.
 */
public final class Metrics {
    private Metrics() {
    }

    /** The predicted class of every row of {@code logits} {@code [N, C]}. */
    public static int[] argmax(Tensor logits) {
        classes("argmax", logits);
        return predictions(logits);
    }

    /** The arg-max of every row, computed by the backend; only the indices come to the host. */
    static int[] predictions(Tensor logits) {
        try (Tensor indices = Functional.argmax(logits, 1, false)) {
            long[] values = indices.toLongArray();
            int[] out = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = Math.toIntExact(values[i]);
            }
            return out;
        }
    }

    /** The predicted class of every row of a row-major {@code [N, classes]} array. */
    public static int[] argmax(float[] logits, int classes) {
        int rows = rows("argmax", logits, classes);
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = argmaxRow(logits, r * classes, classes);
        }
        return out;
    }

    /** How many rows of {@code logits} {@code [N, C]} predict their label. */
    public static int correct(Tensor logits, int[] labels) {
        int classes = classes("correct", logits);
        checkLabels("correct", labels, Math.toIntExact(logits.size(0)), classes);
        int[] predicted = predictions(logits);
        int hits = 0;
        for (int r = 0; r < predicted.length; r++) {
            if (predicted[r] == labels[r]) {
                hits++;
            }
        }
        return hits;
    }

    /** How many rows of a row-major {@code [N, classes]} array predict their label. */
    public static int correct(float[] logits, int classes, int[] labels) {
        int rows = rows("correct", logits, classes);
        checkLabels("correct", labels, rows, classes);
        int hits = 0;
        for (int r = 0; r < rows; r++) {
            if (argmaxRow(logits, r * classes, classes) == labels[r]) {
                hits++;
            }
        }
        return hits;
    }

    /** The fraction in [0, 1] of rows of {@code logits} {@code [N, C]} that predict their label (NaN for N = 0). */
    public static double accuracy(Tensor logits, int[] labels) {
        classes("accuracy", logits);
        int hits = correct(logits, labels);
        return labels.length == 0 ? Double.NaN : (double) hits / labels.length;
    }

    /** The fraction in [0, 1] of rows of a row-major {@code [N, classes]} array that predict their label. */
    public static double accuracy(float[] logits, int classes, int[] labels) {
        int hits = correct(logits, classes, labels);
        return labels.length == 0 ? Double.NaN : (double) hits / labels.length;
    }

    static int argmaxRow(float[] logits, int offset, int classes) {
        int best = 0;
        float bestValue = logits[offset];
        // Strictly greater keeps the first of equal maxima; the first NaN wins and ends the search.
        for (int c = 1; c < classes && !Float.isNaN(bestValue); c++) {
            float v = logits[offset + c];
            if (Float.isNaN(v) || v > bestValue) {
                best = c;
                bestValue = v;
            }
        }
        return best;
    }

    private static int classes(String op, Tensor logits) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(op + ": logits must be [N, C], got shape " + logits.shape());
        }
        long c = logits.size(1);
        if (c < 1) {
            throw new IllegalArgumentException(op + ": logits need at least one class, got shape " + logits.shape());
        }
        return Math.toIntExact(c);
    }

    static int rows(String op, float[] logits, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException(op + ": classes must be >= 1, got " + classes);
        }
        if (logits.length % classes != 0) {
            throw new IllegalArgumentException(op + ": " + logits.length + " logits are not a multiple of " + classes + " classes");
        }
        return logits.length / classes;
    }

    static void checkLabels(String op, int[] labels, int rows, int classes) {
        if (labels.length != rows) {
            throw new IllegalArgumentException(op + ": " + labels.length + " labels for " + rows + " rows of logits");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(op + ": label " + labels[i] + " at row " + i + " is outside [0, " + classes + ")");
            }
        }
    }
}
