package org.jdnn.backend.reference;

import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reference activations' derivatives against central finite differences in double, and erf against tables. */
class ActivationsGradientTest {

    @Test
    void derivativesMatchFiniteDifferences() {
        SplittableRandom random = new SplittableRandom(11);
        double h = 1e-6;
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            if (algorithm == EltwiseAlgorithm.STEP || algorithm.isMath()) {
                continue; // STEP is forward only; the math functions have their own domains (ElementwiseMathTest)
            }
            EltwiseParams params = new EltwiseParams(algorithm, algorithm == EltwiseAlgorithm.RELU ? 0.1f
                    : algorithm == EltwiseAlgorithm.ELU ? 1.3f : algorithm == EltwiseAlgorithm.SOFTPLUS ? 2f : 0f);
            for (int i = 0; i < 200; i++) {
                double x = random.nextDouble(-6, 6);
                if (Math.abs(x) < 1e-3) {
                    continue; // the ReLU/ELU kink
                }
                double numeric = (Activations.value(params, x + h) - Activations.value(params, x - h)) / (2 * h);
                assertEquals(numeric, Activations.derivative(params, x), 1e-6 * Math.max(1, Math.abs(numeric)),
                        params + " at x=" + x);
            }
        }
    }

    @Test
    void erfMatchesTabulatedValues() {
        double[][] table = {{0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
                {2, 0.9953222650189527}, {2.5, 0.9995930479825550}, {3, 0.9999779095030014}, {4, 0.9999999845827421}};
        for (double[] row : table) {
            assertEquals(row[1], Erf.erf(row[0]), 1e-14, "erf(" + row[0] + ")");
            assertEquals(-row[1], Erf.erf(-row[0]), 1e-14, "erf(-" + row[0] + ")");
        }
    }

    @Test
    void softplusDoesNotOverflow() {
        EltwiseParams softplus = EltwiseParams.of(EltwiseAlgorithm.SOFTPLUS);
        assertEquals(1000, Activations.value(softplus, 1000), 1e-9);
        assertEquals(0, Activations.value(softplus, -1000), 1e-300);
    }

    @Test
    void stepIsHeavisideWithOneAtZero() {
        EltwiseParams step = EltwiseParams.of(EltwiseAlgorithm.STEP);
        assertEquals(1, Activations.value(step, 1e-300));
        assertEquals(1, Activations.value(step, 0));
        assertEquals(1, Activations.value(step, -0.0));
        assertEquals(0, Activations.value(step, -5));
        assertEquals(0, Activations.value(step, Double.NaN));
        assertEquals(0.25, Activations.value(new EltwiseParams(EltwiseAlgorithm.STEP, 0.25f), 0));
    }
}
