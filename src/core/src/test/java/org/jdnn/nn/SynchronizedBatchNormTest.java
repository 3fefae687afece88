package org.jdnn.nn;

import org.jdnn.autograd.Autograd;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch norm with statistics summed over processes ({@link BatchNorm#synchronizeStatistics}). With one process the
 * sums are the local ones, so the composite computation must give what the batch-norm kernel gives: output, input,
 * weight and bias gradients, running statistics. (The sums over real processes are checked under MPI by the train
 * module's DistributedTrainingTest.)
 */
class SynchronizedBatchNormTest {
    private static final double TOLERANCE = 2e-5;

    @Test
    void withOneProcessItEqualsTheKernelForward2dAndBackward() {
        assertSameAsKernel(new BatchNorm2d(3), new BatchNorm2d(3), 4, 3, 5, 6);
    }

    @Test
    void withOneProcessItEqualsTheKernelFor1d() {
        assertSameAsKernel(new BatchNorm1d(5), new BatchNorm1d(5), 7, 5);
    }

    @Test
    void everyForwardAndBackwardCallsTheReductionInTheSameOrder() {
        List<String> calls = new ArrayList<>();
        try (BatchNorm2d bn = new BatchNorm2d(2); Scope scope = Scope.open()) {
            bn.synchronizeStatistics(t -> calls.add("reduce " + t.shape()));
            Tensor x = Tensor.randn(3, 4, 2, 3, 3).requiresGrad(true);
            bn.call(x).sum().backward();
        }
        assertEquals(List.of("reduce [1]", "reduce [2]", "reduce [2]", "reduce [2]", "reduce [2]"), calls,
                "forward: count, sums, squared deviations; backward: their gradients in reverse");
    }

    @Test
    void evaluationUsesTheRunningStatisticsWithoutReducing() {
        try (BatchNorm2d bn = new BatchNorm2d(2); Scope scope = Scope.open()) {
            bn.synchronizeStatistics(t -> {
                throw new AssertionError("evaluation reduced " + t.shape());
            });
            bn.eval();
            assertEquals(2 * 2 * 3 * 3, bn.call(Tensor.randn(5, 2, 2, 3, 3)).numel());
            assertTrue(bn.synchronizesStatistics());
            bn.synchronizeStatistics(null);
            assertFalse(bn.synchronizesStatistics());
        }
    }

    @Test
    void oneValuePerChannelOverAllProcessesIsRefusedNamingTheShape() {
        try (BatchNorm1d bn = new BatchNorm1d(3); Scope scope = Scope.open()) {
            bn.synchronizeStatistics(t -> { });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bn.call(Tensor.randn(6, 1, 3)));
            assertTrue(e.getMessage().contains("[1, 3]"), e.getMessage());
        }
    }

    private static void assertSameAsKernel(BatchNorm kernel, BatchNorm composite, long... shape) {
        composite.synchronizeStatistics(t -> { }); // one process: the sum over processes is the local value
        try (kernel; composite; Scope scope = Scope.open()) {
            try (var noGrad = Autograd.noGrad()) {
                for (BatchNorm bn : List.of(kernel, composite)) {
                    bn.weight().copyFrom(Tensor.rand(11, bn.numFeatures()).add(0.5f));
                    bn.bias().copyFrom(Tensor.randn(12, bn.numFeatures()));
                }
            }
            Tensor x = Tensor.randn(13, shape).mul(3f).add(1f);
            Tensor upstream = Tensor.randn(14, shape);
            Tensor xKernel = x.copy().requiresGrad(true);
            Tensor xComposite = x.copy().requiresGrad(true);
            Tensor yKernel = kernel.call(xKernel);
            Tensor yComposite = composite.call(xComposite);
            yKernel.mul(upstream).sum().backward();
            yComposite.mul(upstream).sum().backward();

            assertClose("output", yKernel, yComposite);
            assertClose("input gradient", xKernel.grad(), xComposite.grad());
            assertClose("weight gradient", kernel.weight().grad(), composite.weight().grad());
            assertClose("bias gradient", kernel.bias().grad(), composite.bias().grad());
            assertClose("running mean", kernel.runningMean(), composite.runningMean());
            assertClose("running variance", kernel.runningVar(), composite.runningVar());
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what + " " + expected.shape() + " vs " + actual.shape());
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], TOLERANCE * Math.max(1, Math.abs(e[i])),
                    what + " " + expected.shape() + " at " + i + ": kernel " + e[i] + ", composite " + a[i]);
        }
    }
}
