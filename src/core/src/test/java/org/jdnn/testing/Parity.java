package org.jdnn.testing;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.onednn.OneDnnBackend;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the parity suites: the native backends to hold to the reference, and float comparison. */
public final class Parity {
    private Parity() {
    }

    /**
     * The native backends to test. oneDNN must load on every CPU machine jdnn supports, so its absence fails
     * the suite (a parity test that silently compared the reference with itself would pass for nothing).
     */
    public static List<Backend> nativeBackends() {
        List<Backend> backends = new ArrayList<>();
        backends.add(Backends.get(Backends.ONEDNN));
        return backends;
    }

    /** The shared oneDNN backend, asserted to run {@code op} natively (not routed to the reference by the kill switch). */
    public static OneDnnBackend onednn(String op) {
        OneDnnBackend backend = OneDnnBackend.shared();
        if (!backend.runsNatively(op)) {
            fail("oneDNN kill switch routes " + op + " to the reference; parity would compare the reference with itself");
        }
        return backend;
    }

    /**
     * Asserts |actual - expected| <= atol + rtol * |expected| element-wise; the message names the context
     * (seed, shapes, parameters), the first offending index and the worst error.
     */
    public static void assertClose(float[] expected, float[] actual, double rtol, double atol, String context) {
        if (expected.length != actual.length) {
            fail(context + ": length " + actual.length + " != expected " + expected.length);
        }
        int firstBad = -1;
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            boolean bad = !(error <= atol + rtol * Math.abs(expected[i])) || Float.isNaN(actual[i]) != Float.isNaN(expected[i]);
            if (bad && firstBad < 0) {
                firstBad = i;
            }
            if (error > worst || Double.isNaN(error)) {
                worst = error;
                worstIndex = i;
            }
        }
        if (firstBad >= 0) {
            fail(String.format("%s: element %d = %s, expected %s (rtol %.1e, atol %.1e); worst |error| %.3e at %d",
                    context, firstBad, actual[firstBad], expected[firstBad], rtol, atol, worst, worstIndex));
        }
    }
}
