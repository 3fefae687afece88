package org.jdnn.matrix;

/**
 * How a backend's values are held to the reference's, element by element: where the reference is NaN the backend
 * must be NaN; where it is infinite, the same infinity; elsewhere finite and within
 * {@code |err| <= rtol |ref| + atol}. Records the worst absolute and relative error over the finite elements
 * (relative only where the reference is at least {@code atol} in magnitude, below that the absolute bound rules).
 *
 * @param failure null when every element passes; else the first offending element, precisely
 */
record Comparison(double maxAbs, double maxRel, String failure) {

    static Comparison of(float[] expected, float[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            return new Comparison(0, 0, actual.length + " elements, expected " + expected.length);
        }
        double maxAbs = 0, maxRel = 0;
        String failure = null;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            String why = null;
            if (Float.isNaN(e)) {
                why = Float.isNaN(a) ? null : "expected NaN";
            } else if (Float.isInfinite(e)) {
                why = a == e ? null : "expected " + e;
            } else if (!Float.isFinite(a)) {
                why = "expected a finite value";
            } else {
                double err = Math.abs((double) a - e);
                maxAbs = Math.max(maxAbs, err);
                if (Math.abs(e) >= atol) {
                    maxRel = Math.max(maxRel, err / Math.abs(e));
                }
                if (!(err <= atol + rtol * Math.abs(e))) {
                    why = String.format("|error| %.3e > bound %.3e (rtol %.1e, atol %.1e)", err,
                            atol + rtol * Math.abs(e), rtol, atol);
                }
            }
            if (why != null && bad++ == 0) {
                failure = "element " + i + " = " + a + ", reference " + e + ": " + why;
            }
        }
        if (failure != null) {
            failure += " (" + bad + " of " + expected.length + " elements off)";
        }
        return new Comparison(maxAbs, maxRel, failure);
    }

    /**
     * Bit for bit: every element has the reference's bits (any NaN matches any NaN; -0 and +0 differ), for a backend
     * that runs the reference's own kernels. The worst errors are recorded as {@link #of} records them.
     */
    static Comparison exact(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            return new Comparison(0, 0, actual.length + " elements, expected " + expected.length);
        }
        Comparison measured = of(expected, actual, 0, 0);
        String failure = null;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i]) && bad++ == 0) {
                failure = String.format("element %d = %s (bits %08x), reference %s (bits %08x): not bit for bit", i,
                        actual[i], Float.floatToIntBits(actual[i]), expected[i], Float.floatToIntBits(expected[i]));
            }
        }
        if (failure != null) {
            failure += " (" + bad + " of " + expected.length + " elements off)";
        }
        return new Comparison(measured.maxAbs(), measured.maxRel(), failure);
    }
}
