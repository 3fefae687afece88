package org.jdnn.backend.cuda;

import org.jdnn.tensor.DType;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares kernel results with the reference's, element by element, in units in the last place of the result's
 * dtype: 0 means bit for bit (NaN matches any NaN, and the sign of a zero counts); n > 0 allows n ulps (either zero).
 */
final class Agreement {
    private Agreement() {
    }

    /**
     * The allowance for terms that cancel, {@code scale (1 + |x|)(1 + |dy|)} per element ({@code dy} null: forward):
     * an error of a few ulps of double in the terms of 1 - tanh^2 or 1 + erf is large against their difference.
     */
    static double[] cancellationSlack(double scale, double[] x, double[] dy) {
        double[] slack = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            slack[i] = scale * (1 + Math.abs(x[i])) * (1 + (dy == null ? 0 : Math.abs(dy[i])));
        }
        return slack;
    }

    /** The distance in ulps of {@code dtype} between two values of it; 0 for two NaNs, MAX_VALUE for NaN vs number. */
    static long ulps(DType dtype, double got, double want) {
        if (Double.isNaN(got) || Double.isNaN(want)) {
            return Double.isNaN(got) && Double.isNaN(want) ? 0 : Long.MAX_VALUE;
        }
        if (dtype == DType.FLOAT32) {
            return Math.abs((long) ordered((float) got) - ordered((float) want));
        }
        long a = ordered(got), b = ordered(want);
        long d = a - b;
        return ((a ^ b) & (a ^ d)) < 0 ? Long.MAX_VALUE : Math.abs(d);  // overflow: opposite signs far apart
    }

    private static int ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? Integer.MIN_VALUE - bits : bits;
    }

    private static long ordered(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits < 0 ? Long.MIN_VALUE - bits : bits;
    }

    /**
     * Fails, listing the first mismatches (index, inputs, got, want), unless every {@code got[i]} is within
     * {@code maxUlps} of {@code want[i]}; returns the largest distance seen.
     */
    static long check(String what, DType dtype, long maxUlps, double[] got, double[] want, double[]... inputs) {
        return checkWithSlack(what, dtype, maxUlps, null, got, want, inputs);
    }

    /**
     * As {@link #check(String, DType, long, double[], double[], double[]...)}, and a result also passes when it is
     * within {@code slack[i]} of the reference (null: no slack), the allowance for terms that cancel.
     */
    static long checkWithSlack(String what, DType dtype, long maxUlps, double[] slack, double[] got, double[] want,
                               double[]... inputs) {
        if (got.length != want.length) {
            fail(what + ": " + got.length + " results, the reference has " + want.length);
        }
        long worst = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < got.length; i++) {
            long d = ulps(dtype, got[i], want[i]);
            boolean zeroSign = maxUlps == 0 && got[i] == 0 && want[i] == 0
                    && Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(want[i]);
            boolean withinSlack = slack != null && Math.abs(got[i] - want[i]) <= slack[i];
            if ((d > maxUlps && !withinSlack) || zeroSign) {
                if (mismatches.size() < 8) {
                    StringBuilder in = new StringBuilder();
                    for (double[] input : inputs) {
                        in.append(in.isEmpty() ? "" : ", ").append(input[i % input.length]);
                    }
                    String distance = zeroSign ? "sign of zero" : (d == Long.MAX_VALUE ? "NaN/overflow" : d) + " ulps";
                    mismatches.add("[" + i + "] (" + in + "): got " + got[i] + ", reference " + want[i] + " ("
                            + distance + ")");
                }
                if (mismatches.size() == 8) {
                    mismatches.add("...");
                }
            }
            if (!withinSlack) {
                worst = Math.max(worst, d == Long.MAX_VALUE ? 0 : d);
            }
        }
        if (!mismatches.isEmpty()) {
            fail(what + " (" + dtype + ", bound " + maxUlps + " ulps, " + got.length + " values):\n  "
                    + String.join("\n  ", mismatches));
        }
        return worst;
    }
}
