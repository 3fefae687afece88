package org.jdnn.optim.schedule;

import org.jdnn.ops.SgdParams;
import org.jdnn.optim.ParamGroup;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Learning-rate sequences against PyTorch's closed forms written out in the test (bound 1e-12 relative), the
 * scheduler driving every param group, ReduceLROnPlateau's patience/threshold/cooldown/min-lr logic, and
 * state save/restore.
 */
class SchedulesTest {
    private static final double TOL = 1e-12;

    private static void assertSequence(double[] expected, LrSchedule schedule, double baseLr) {
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], schedule.lr(e, baseLr), TOL * Math.max(1, Math.abs(expected[e])),
                    schedule + " epoch " + e);
        }
    }

    @Test
    void stepMultiStepAndExponential() {
        assertSequence(new double[] {1, 1, 1, 0.1, 0.1, 0.1, 0.01}, new StepLR(3, 0.1), 1);
        assertSequence(new double[] {0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125}, new MultiStepLR(new long[] {2, 5}, 0.5), 0.5);
        assertSequence(new double[] {2, 1.8, 2 * 0.81, 2 * 0.729}, new ExponentialLR(0.9), 2);
    }

    @Test
    void cosineAnnealing() {
        double base = 0.1, min = 0.001;
        double[] expected = new double[12];
        for (int e = 0; e < expected.length; e++) {
            expected[e] = min + (base - min) * (1 + Math.cos(Math.PI * e / 10)) / 2;
        }
        assertSequence(expected, new CosineAnnealingLR(10, min), base);
        assertEquals(min, new CosineAnnealingLR(10, min).lr(10, base), TOL);
        assertEquals((base + min) / 2, new CosineAnnealingLR(10, min).lr(5, base), TOL);
    }

    @Test
    void warmRestartsGrowTheirPeriodByTMult() {
        double base = 1, min = 0;
        // t0 = 2, tMult = 2: periods [0,2), [2,6), [6,14): restarts at 0, 2, 6, 14.
        long[] starts = {0, 2, 6, 14};
        long[] periods = {2, 4, 8, 16};
        CosineAnnealingWarmRestarts sgdr = new CosineAnnealingWarmRestarts(2, 2, min);
        for (int k = 0; k < 3; k++) {
            for (long e = starts[k]; e < starts[k + 1]; e++) {
                double expected = min + (base - min) * (1 + Math.cos(Math.PI * (e - starts[k]) / periods[k])) / 2;
                assertEquals(expected, sgdr.lr(e, base), TOL, "epoch " + e);
            }
            assertEquals(base, sgdr.lr(starts[k], base), TOL, "restart at " + starts[k]);
        }
        // tMult = 1: a fixed period.
        CosineAnnealingWarmRestarts fixed = new CosineAnnealingWarmRestarts(3, 1, 0.1);
        for (long e = 0; e < 10; e++) {
            assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI * (e % 3) / 3)) / 2, fixed.lr(e, 1), TOL, "epoch " + e);
        }
    }

    @Test
    void linearWarmupThenTheWrappedSchedule() {
        LinearWarmup warm = new LinearWarmup(4, 0.25, new StepLR(2, 0.5));
        double[] expected = {0.25, 0.4375, 0.625, 0.8125, 1, 1, 0.5, 0.5, 0.25};
        assertSequence(expected, warm, 1);
        assertSequence(new double[] {0.1, 0.55, 1, 1}, LinearWarmup.constantAfter(2, 0.1), 1);
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(0, 0.5, new ExponentialLR(0.9)));
    }

    @Test
    void theSchedulerSetsEveryGroupFromItsOwnBaseRateAndRestores() {
        try (Tensor a = Tensor.zeros(1).requiresGrad(true); Tensor b = Tensor.zeros(1).requiresGrad(true)) {
            SGD sgd = new SGD(SgdParams.of(0.1), List.of(ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b), 1.0)));
            LrScheduler scheduler = new LrScheduler(sgd, new StepLR(2, 0.1));
            double[][] expected = {{0.1, 1}, {0.1, 1}, {0.01, 0.1}, {0.01, 0.1}, {0.001, 0.01}};
            Map<String, Double> saved = null;
            for (int e = 0; e < expected.length; e++) {
                double[] lr = scheduler.lastLr();
                assertEquals(expected[e][0], lr[0], 1e-15, "epoch " + e);
                assertEquals(expected[e][1], lr[1], 1e-15, "epoch " + e);
                if (e == 2) {
                    saved = scheduler.stateDict();
                }
                scheduler.step();
            }
            SGD fresh = new SGD(SgdParams.of(0.1), List.of(ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b), 1.0)));
            LrScheduler resumed = new LrScheduler(fresh, new StepLR(2, 0.1));
            resumed.loadStateDict(saved);
            assertEquals(2, resumed.epoch());
            assertEquals(0.01, fresh.lr(), 1e-15);
            resumed.step();
            resumed.step();
            assertEquals(0.001, fresh.lr(), 1e-15);
        }
    }

    @Test
    void reduceOnPlateauWaitsForPatienceThenCoolsDown() {
        try (Tensor a = Tensor.zeros(1).requiresGrad(true)) {
            SGD sgd = new SGD(List.of(a), SgdParams.of(1));
            ReduceLROnPlateau plateau = new ReduceLROnPlateau(sgd, ReduceLROnPlateau.Mode.MIN, 0.5, 2, 0.01,
                    ReduceLROnPlateau.ThresholdMode.REL, 1, 0.2);
            double[] metrics = {10, 9, 8.99, 8.98, 8.97, 8.96, 8.95, 8.94, 8.93, 5, 5, 5, 5, 5, 5, 5};
            // 10 and 9 improve; 8.99.. stay above 9 (1 - 1%), so bad epochs count 1, 2, 3 -> cut after epoch 4.
            // Cooldown 1 zeroes epoch 5's count; epochs 6, 7, 8 are bad -> cut after epoch 8 (0.25). 5 improves
            // (epoch 9, still in cooldown); 10, 11, 12 are bad -> 0.125 is below min lr 0.2, so 0.2 after epoch 12.
            double[] expected = {1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2};
            for (int e = 0; e < metrics.length; e++) {
                plateau.step(metrics[e]);
                assertEquals(expected[e], sgd.lr(), 1e-15, "after epoch " + e + " metric " + metrics[e]);
            }
            Map<String, Double> state = plateau.stateDict();
            ReduceLROnPlateau restored = ReduceLROnPlateau.defaults(sgd);
            restored.loadStateDict(state);
            assertEquals(5, restored.best());
            assertEquals(plateau.badEpochs(), restored.badEpochs());
        }
    }

    @Test
    void maxModeWithAbsoluteThreshold() {
        try (Tensor a = Tensor.zeros(1).requiresGrad(true)) {
            SGD sgd = new SGD(List.of(a), SgdParams.of(1));
            ReduceLROnPlateau plateau = new ReduceLROnPlateau(sgd, ReduceLROnPlateau.Mode.MAX, 0.1, 0, 0.05,
                    ReduceLROnPlateau.ThresholdMode.ABS, 0, 0);
            plateau.step(0.5);
            assertEquals(1, sgd.lr(), 1e-15);
            plateau.step(0.54);   // not better by 0.05: patience 0 -> cut at once
            assertEquals(0.1, sgd.lr(), 1e-15);
            plateau.step(0.6);    // better
            assertEquals(0.1, sgd.lr(), 1e-15);
        }
    }
}
