package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Log-softmax accurate to float32 rounding on every backend: rows whose values lie 1e4 apart, near-equal rows around
 * +-1e4 (where computing {@code max + log(sum)} before subtracting would lose the answer to the rounding of 1e4), a
 * long near-equal row and tiny differences, against the same formula in double on the float inputs. Each element
 * must be within {@code 2 ulp(ref) + 2^-24}: two roundings of the result, and an absolute floor of half an ulp of 1
 * for results near 0 (where {@code log(1 + tiny)} rounds to 0 in float, as in PyTorch).
 */
class LogSoftmaxAccuracyTest {

    private static float[][] rows() {
        List<float[]> rows = new ArrayList<>();
        rows.add(new float[] {1e4f, -1e4f, 0f, 5e3f});
        rows.add(new float[] {10000f, 10000.001f, 9999.999f, 10000.002f});
        rows.add(new float[] {-10000f, -10000.001f, -9999.999f, -10000.002f});
        rows.add(new float[] {0f, 1e-7f, -1e-7f, 2e-7f});
        rows.add(new float[] {30f, 0f, 0f, 0f});
        rows.add(new float[] {-3e4f, 3e4f, 2.99999e4f, -1f});
        float[] longRow = new float[1000];
        for (int i = 0; i < longRow.length; i++) {
            longRow[i] = Math.nextUp(1e4f) + Math.ulp(1e4f) * (i % 7);
        }
        rows.add(longRow);
        return rows.toArray(float[][]::new);
    }

    private static double[] reference(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double logSum = Math.log(sum);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - max) - logSum;
        }
        return y;
    }

    @TestFactory
    List<DynamicTest> logSoftmaxIsAccurateToFloatRoundingOnEveryBackend() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Backends.names()) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                assumeTrue(Backends.unavailableReason(name).isEmpty(), name + " is not available");
                Backend backend = Backends.get(name);
                Device device = backend.device();
                for (float[] row : rows()) {
                    for (boolean columns : new boolean[] {false, true}) {
                        check(backend, device, row, columns);
                    }
                }
            }));
        }
        return tests;
    }

    /** The row as (1, n) over axis 1, or as (n, 1) over axis 0 (a strided axis). */
    private static void check(Backend backend, Device device, float[] row, boolean columns) {
        double[] expected = reference(row);
        float[] got = Backends.with(backend, () -> {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.of(row, columns ? new long[] {row.length, 1} : new long[] {1, row.length});
                Tensor onDevice = device.isHost() ? x : x.to(device);
                return F.logSoftmax(onDevice, columns ? 0 : 1).toFloatArray();
            }
        });
        for (int i = 0; i < row.length; i++) {
            double bound = 2 * Math.ulp((float) expected[i]) + 0x1p-24;
            double err = Math.abs(got[i] - expected[i]);
            int at = i;
            assertTrue(err <= bound, () -> backend.name() + (columns ? " axis 0" : " axis 1") + ": element " + at + " of "
                    + (row.length > 8 ? row.length + " values" : java.util.Arrays.toString(row)) + " = " + got[at]
                    + ", double " + expected[at] + ", error " + err + " > " + bound);
        }
    }
}
