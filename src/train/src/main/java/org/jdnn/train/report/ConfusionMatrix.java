package org.jdnn.train.report;

import org.jdnn.tensor.Tensor;

/**
 * Counts of (actual class, predicted class) pairs: row = actual label, column = prediction (the scikit-learn
 * convention). Per-class precision is the diagonal over its column sum, recall the diagonal over its row sum;
 * both are NaN for a class that was never predicted / never occurred, rather than a made-up 0.
 */
public final class ConfusionMatrix {
    private final int classes;
    private final long[][] counts;
    private long total;

    /** An empty matrix for {@code classes} classes. */
    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: classes must be >= 1, got " + classes);
        }
        this.classes = classes;
        this.counts = new long[classes][classes];
    }

    /** The number of classes. */
    public int classes() {
        return classes;
    }

    /** Counts one sample. */
    public ConfusionMatrix add(int actual, int predicted) {
        check("add", "actual", actual);
        check("add", "predicted", predicted);
        counts[actual][predicted]++;
        total++;
        return this;
    }

    /** Adds {@code count} samples of class {@code actual} predicted as {@code predicted} (merging matrices). */
    public ConfusionMatrix add(int actual, int predicted, long count) {
        check("add", "actual", actual);
        check("add", "predicted", predicted);
        if (count < 0) {
            throw new IllegalArgumentException("ConfusionMatrix.add: count must be >= 0, got " + count);
        }
        counts[actual][predicted] += count;
        total += count;
        return this;
    }

    /**
     * Counts every row of {@code logits} {@code [N, classes]} (prediction = arg-max, see {@link Metrics}) against its
     * label; the arg-max runs on the logits' backend and only the N predictions come to the host.
     */
    public ConfusionMatrix add(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.size(1) != classes) {
            throw new IllegalArgumentException("ConfusionMatrix.add: logits must be [N, " + classes + "], got shape " + logits.shape());
        }
        int rows = Math.toIntExact(logits.size(0));
        Metrics.checkLabels("ConfusionMatrix.add", labels, rows, classes);
        int[] predicted = rows == 0 ? new int[0] : Metrics.predictions(logits);
        for (int r = 0; r < rows; r++) {
            counts[labels[r]][predicted[r]]++;
        }
        total += rows;
        return this;
    }

    /** Counts every row of a row-major {@code [N, classes]} logits array against its label. */
    public ConfusionMatrix add(float[] logits, int[] labels) {
        int rows = Metrics.rows("ConfusionMatrix.add", logits, classes);
        Metrics.checkLabels("ConfusionMatrix.add", labels, rows, classes);
        for (int r = 0; r < rows; r++) {
            counts[labels[r]][Metrics.argmaxRow(logits, r * classes, classes)]++;
        }
        total += rows;
        return this;
    }

    /** How many samples of class {@code actual} were predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        check("count", "actual", actual);
        check("count", "predicted", predicted);
        return counts[actual][predicted];
    }

    /** A copy of all counts, {@code [actual][predicted]}. */
    public long[][] counts() {
        long[][] copy = new long[classes][];
        for (int i = 0; i < classes; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    /** The number of samples counted. */
    public long total() {
        return total;
    }

    /** Samples of class {@code actual} (a row sum). */
    public long support(int actual) {
        check("support", "actual", actual);
        long sum = 0;
        for (long v : counts[actual]) {
            sum += v;
        }
        return sum;
    }

    /** Samples predicted as {@code predicted} (a column sum). */
    public long predicted(int predicted) {
        check("predicted", "predicted", predicted);
        long sum = 0;
        for (long[] row : counts) {
            sum += row[predicted];
        }
        return sum;
    }

    /** Correct predictions over all samples (NaN when empty). */
    public double accuracy() {
        long diagonal = 0;
        for (int i = 0; i < classes; i++) {
            diagonal += counts[i][i];
        }
        return total == 0 ? Double.NaN : (double) diagonal / total;
    }

    /** Of the samples predicted as {@code c}, the fraction that are {@code c} (NaN when none was predicted). */
    public double precision(int c) {
        long column = predicted(c);
        return column == 0 ? Double.NaN : (double) counts[c][c] / column;
    }

    /** Of the samples of class {@code c}, the fraction predicted as {@code c} (NaN when there were none). */
    public double recall(int c) {
        long row = support(c);
        return row == 0 ? Double.NaN : (double) counts[c][c] / row;
    }

    /** The harmonic mean of precision and recall of class {@code c} (NaN when either is undefined, 0 when both are 0). */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private void check(String op, String what, int index) {
        if (index < 0 || index >= classes) {
            throw new IllegalArgumentException("ConfusionMatrix." + op + ": " + what + " class " + index + " is outside [0, " + classes + ")");
        }
    }
}
