package org.jdnn.train.report;

import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arg-max accuracy and the confusion matrix on small hand-computed examples (exact counts, ratios to 1e-12). */
class MetricsTest {

    // 5 rows, 3 classes. Predictions as torch.argmax: 1, 0 (tie between 0 and 2 -> first), 2, 0 (NaN is the
    // maximum), 0 (all NaN: the first).
    private static final float[] LOGITS = {
            0.1f, 2.0f, -1.0f,
            3.0f, 1.0f, 3.0f,
            -5.0f, -4.0f, -3.0f,
            Float.NaN, 0.5f, 0.2f,
            Float.NaN, Float.NaN, Float.NaN,
    };
    private static final int[] LABELS = {1, 2, 2, 1, 1};

    @Test
    void argmaxTakesTheFirstMaximumAndNaNAsTheMaximum() {
        assertArrayEquals(new int[] {1, 0, 2, 0, 0}, Metrics.argmax(LOGITS, 3));
    }

    @Test
    void accuracyCountsRowsPredictingTheirLabel() {
        assertEquals(2, Metrics.correct(LOGITS, 3, LABELS));
        assertEquals(0.4, Metrics.accuracy(LOGITS, 3, LABELS), 1e-12);
    }

    @Test
    void tensorOverloadsMatchTheArrayOnes() {
        try (Tensor logits = Tensor.of(LOGITS, 5, 3)) {
            assertArrayEquals(new int[] {1, 0, 2, 0, 0}, Metrics.argmax(logits));
            assertEquals(2, Metrics.correct(logits, LABELS));
            assertEquals(0.4, Metrics.accuracy(logits, LABELS), 1e-12);
            assertEquals(0.4, new ConfusionMatrix(3).add(logits, LABELS).accuracy(), 1e-12);
        }
    }

    @Test
    void badInputNamesTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(LOGITS, 3, new int[] {1, 2, 3, 0, 0}));
        assertTrue(e.getMessage().contains("label 3 at row 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(LOGITS, 3, new int[] {1}));
        assertTrue(e.getMessage().contains("1 labels for 5 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Metrics.argmax(LOGITS, 4));
        assertTrue(e.getMessage().contains("15 logits are not a multiple of 4"), e.getMessage());
        try (Tensor flat = Tensor.of(LOGITS)) {
            e = assertThrows(IllegalArgumentException.class, () -> Metrics.argmax(flat));
            assertTrue(e.getMessage().contains("[N, C]"), e.getMessage());
        }
    }

    /**
     * actual\predicted  0  1  2
     *        0          5  1  0     support 6
     *        1          2  3  1     support 6
     *        2          0  0  0     support 0 (never occurs)
     * column sums       7  4  1     total 12, diagonal 8
     */
    @Test
    void confusionMatrixMathOnAHandExample() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        int[][] pairs = {{0, 0, 5}, {0, 1, 1}, {1, 0, 2}, {1, 1, 3}, {1, 2, 1}};
        for (int[] p : pairs) {
            for (int i = 0; i < p[2]; i++) {
                cm.add(p[0], p[1]);
            }
        }
        assertEquals(12, cm.total());
        assertArrayEquals(new long[] {5, 1, 0}, cm.counts()[0]);
        assertArrayEquals(new long[] {2, 3, 1}, cm.counts()[1]);
        assertEquals(8.0 / 12, cm.accuracy(), 1e-12);
        assertEquals(5.0 / 7, cm.precision(0), 1e-12);
        assertEquals(3.0 / 4, cm.precision(1), 1e-12);
        assertEquals(0.0, cm.precision(2), 1e-12); // predicted once, never right
        assertEquals(5.0 / 6, cm.recall(0), 1e-12);
        assertEquals(3.0 / 6, cm.recall(1), 1e-12);
        assertTrue(Double.isNaN(cm.recall(2)), "recall of a class that never occurs is undefined");
        double p = 5.0 / 7;
        double r = 5.0 / 6;
        assertEquals(2 * p * r / (p + r), cm.f1(0), 1e-12);
        assertTrue(Double.isNaN(cm.f1(2)));
        assertEquals(6, cm.support(1));
        assertEquals(7, cm.predicted(0));
        // counts() is a copy.
        cm.counts()[0][0] = 99;
        assertEquals(5, cm.count(0, 0));
    }

    @Test
    void confusionMatrixFromLogitsUsesArgmax() {
        ConfusionMatrix cm = new ConfusionMatrix(3).add(LOGITS, LABELS);
        // predictions 1,0,2,0,0 against labels 1,2,2,1,1
        assertEquals(1, cm.count(1, 1));
        assertEquals(1, cm.count(2, 0));
        assertEquals(1, cm.count(2, 2));
        assertEquals(2, cm.count(1, 0));
        assertEquals(0.4, cm.accuracy(), 1e-12);
        assertTrue(Double.isNaN(new ConfusionMatrix(2).accuracy()), "empty matrix");
        var e = assertThrows(IllegalArgumentException.class, () -> cm.add(0, 3));
        assertTrue(e.getMessage().contains("predicted class 3"), e.getMessage());
    }
}
