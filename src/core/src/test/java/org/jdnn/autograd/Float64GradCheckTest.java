package org.jdnn.autograd;

import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.loss.Losses;
import org.jdnn.loss.Reduction;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradCheck;
import org.jdnn.testing.GradientCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code torch.autograd.gradcheck} in jdnn: functions of float64 tensors on the reference backend, their autograd
 * gradients against central finite differences in double (step 1e-6) within 1e-6 relative, and a float32 case that the
 * same bound would fail, to show the check is as tight as float64 allows.
 */
class Float64GradCheckTest {
    private static final double STEP = 1e-6;
    private static final double TOLERANCE = 1e-6;

    private static Tensor randn(SplittableRandom r, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = r.nextGaussian();
        }
        return Tensor.ofDoubles(values, shape).requiresGrad(true);
    }

    /** Checks d f(inputs) / d input for every input, all elements, on the reference. */
    private static void gradcheck(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Backends.with(ReferenceBackend.INSTANCE, () -> {
            try (Scope scope = Scope.open()) {
                Tensor loss = f.apply(inputs);
                assertEquals(DType.FLOAT64, loss.dtype(), what + ": the loss is float64");
                loss.backward();
                for (int i = 0; i < inputs.length; i++) {
                    Tensor grad = inputs[i].grad();
                    assertEquals(DType.FLOAT64, grad.dtype(), what + ": the gradient of input " + i);
                    GradientCheck.finiteDifferences(inputs[i], grad, () -> value(f, inputs), STEP, TOLERANCE,
                            what + ", input " + i);
                }
            }
        });
    }

    private static double value(Function<Tensor[], Tensor> f, Tensor[] inputs) {
        try (Scope scope = Scope.open(); Autograd.NoGrad off = Autograd.noGrad()) {
            return f.apply(inputs).itemDouble();
        }
    }

    /** {@code <f(x), c>} for a fixed random c of f's output shape, so every output element counts. */
    private static Function<Tensor[], Tensor> weighted(Function<Tensor[], Tensor> f, long seed) {
        return in -> {
            Tensor y = f.apply(in);
            SplittableRandom r = new SplittableRandom(seed);
            double[] c = new double[Math.toIntExact(y.numel())];
            for (int i = 0; i < c.length; i++) {
                c[i] = r.nextGaussian();
            }
            return F.sum(F.mul(y, Tensor.ofDoubles(c, y.dims())));
        };
    }

    @Test
    void conv2dInDouble() {
        SplittableRandom r = new SplittableRandom(1);
        try (Scope scope = Scope.open()) {
            gradcheck("conv2d", weighted(in -> F.conv2d(in[0], in[1], in[2], Conv2dParams.of(2, 1, 1, 1)), 11),
                    randn(r, 2, 2, 5, 5), randn(r, 3, 2, 3, 3), randn(r, 3));
        }
    }

    @Test
    void matmulInDouble() {
        SplittableRandom r = new SplittableRandom(2);
        try (Scope scope = Scope.open()) {
            gradcheck("matmul", weighted(in -> F.tanh(F.matmul(in[0], in[1])), 12), randn(r, 3, 4), randn(r, 4, 5));
        }
    }

    @Test
    void softmaxAndLogSoftmaxInDouble() {
        SplittableRandom r = new SplittableRandom(3);
        try (Scope scope = Scope.open()) {
            gradcheck("softmax", weighted(in -> F.softmax(in[0], 1), 13), randn(r, 3, 6));
            gradcheck("log_softmax", weighted(in -> F.logSoftmax(in[0], 0), 14), randn(r, 4, 2, 3));
        }
    }

    @Test
    void lossesInDouble() {
        SplittableRandom r = new SplittableRandom(4);
        try (Scope scope = Scope.open()) {
            Tensor target = Tensor.ofDoubles(0.1, 0.7, 0.2, 0.3, 0.3, 0.4).reshape(2, 3);
            gradcheck("cross_entropy with soft targets", in -> Losses.crossEntropy(in[0], target, Reduction.MEAN, 0.1),
                    randn(r, 2, 3));
            Tensor values = randn(r, 2, 4).detach();
            gradcheck("mse_loss", in -> Losses.mseLoss(in[0], values), randn(r, 2, 4));
        }
    }

    @Test
    void gradCheckOfOneOpInDouble() {
        SplittableRandom r = new SplittableRandom(5);
        Backends.with(ReferenceBackend.INSTANCE, () -> {
            try (Scope scope = Scope.open()) {
                Tensor x = randn(r, 2, 5);
                Tensor c = randn(r, 2, 5).detach();
                F.sum(F.mul(F.softmax(x, 1), c)).backward();
                GradCheck.check(in -> F.softmax(in, 1), x.detach(), c, x.grad(), STEP, TOLERANCE, TOLERANCE,
                        "softmax through GradCheck");
            }
        });
    }

    @Test
    void theSameBoundIsBeyondFloat32() {
        // In float32 a step of 1e-6 is below the rounding of the loss: the check must not pass by accident.
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {0.3f, -1.2f, 2.5f}, 3).requiresGrad(true);
            Tensor loss = Backends.with(ReferenceBackend.INSTANCE, () -> F.sum(F.mul(F.tanh(x), x)));
            loss.backward();
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> GradientCheck.finiteDifferences(x, x.grad(), () -> value(in -> F.sum(F.mul(F.tanh(in[0]),
                            in[0])), new Tensor[] {x}), STEP, TOLERANCE, "float32"));
            assertTrue(e.getMessage().contains("finite difference"), e.getMessage());
        }
    }
}
