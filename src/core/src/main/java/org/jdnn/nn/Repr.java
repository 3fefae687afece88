package org.jdnn.nn;

import org.jdnn.ops.Pool2dParams;

import java.math.BigDecimal;

/** Formats values the way PyTorch's module printouts show them (Python reprs). */
final class Repr {
    private Repr() {
    }

    /** A Python float repr: {@code 0.1}, {@code 1.0}, {@code 1e-05}. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        // The shortest decimal that round-trips the float, as both Java and Python print it.
        String shortest = Float.toString((float) value);
        BigDecimal decimal = new BigDecimal(shortest);
        double magnitude = Math.abs(value);
        if (magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16)) {
            String plain = decimal.stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        // Python's scientific form: mantissa without a trailing ".0", exponent with a sign and at least 2 digits.
        int exponent = decimal.precision() - decimal.scale() - 1;
        String mantissa = decimal.movePointLeft(exponent).stripTrailingZeros().toPlainString();
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    static String bool(boolean value) {
        return value ? "True" : "False";
    }

    /** A Python pair {@code (a, b)}. */
    static String pair(long a, long b) {
        return "(" + a + ", " + b + ")";
    }

    /** {@code k} when both are equal, else the pair (as PyTorch pooling prints ints). */
    static String intOrPair(long a, long b) {
        return a == b ? Long.toString(a) : pair(a, b);
    }

    /** Pooling padding: {@code p}, {@code (top, left)}, or the four sides when they differ. */
    static String padding(Pool2dParams p) {
        if (p.padTop() != p.padBottom() || p.padLeft() != p.padRight()) {
            return "((" + p.padTop() + ", " + p.padBottom() + "), (" + p.padLeft() + ", " + p.padRight() + "))";
        }
        return intOrPair(p.padTop(), p.padLeft());
    }
}
