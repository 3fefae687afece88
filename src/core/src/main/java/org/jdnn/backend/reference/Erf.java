package org.jdnn.backend.reference;

/** The error function, which java.lang.Math lacks: series for small |x|, continued fraction for large |x|. */
final class Erf {
    private Erf() {
    }

    static double erf(double x) {
        double ax = Math.abs(x);
        double result = ax < 2.5 ? series(ax) : 1 - complementContinuedFraction(ax);
        return Math.copySign(result, x);
    }

    /** erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)); converges fast for |x| < 2.5. */
    private static double series(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 100; n++) {
            term *= -x * x / n;
            double next = term / (2 * n + 1);
            sum += next;
            if (Math.abs(next) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** erfc(x) for x >= 2.5 by Lentz's continued fraction: erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))). */
    private static double complementContinuedFraction(double x) {
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 200; n++) {
            double an = n / 2.0;
            d = x + an * d;
            d = d == 0 ? 1e-300 : 1 / d;
            c = x + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
