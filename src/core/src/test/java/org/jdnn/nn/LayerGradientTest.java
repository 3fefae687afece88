package org.jdnn.nn;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.functional.Functional;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.ModuleGradientCheck;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every module's gradients with respect to its input and all its parameters ({@link ModuleGradientCheck}):
 * reference backward against float32 central differences (step 1e-2, or 1e-3 across kinks such as relu and
 * max; bound 2e-2 * (1 + |g|), 5e-2 through batch norm), and oneDNN's backward against the reference's
 * (bound 1e-4 * (1 + |g|), 1e-3 for the composite blocks), with the oneDNN kernels asserted to run natively.
 */
class LayerGradientTest {
    private static final double H = 1e-2;
    private static final double KINK_H = 1e-3;
    private static final double TOL = 2e-2;
    private static final double PARITY = 1e-4;

    private static void check(String name, Module module, Tensor input, long seed, double h, double tol, double parity,
                              String... ops) {
        try (module) {
            ModuleGradientCheck.check(name, module, input, seed, h, tol, parity, ops);
        }
    }

    @Test
    void linearAndMaxout() {
        try (Scope scope = Scope.open()) {
            check("seed 1", new Linear(4, 3, true, 1), Tensor.randn(101, 5, 4), 1, H, TOL, PARITY, "matmul");
            check("seed 2", new Linear(3, 2, false, 2), Tensor.randn(102, 2, 2, 3), 2, H, TOL, PARITY, "matmul");
            check("seed 3", new Maxout(4, 3, 3, 3), Tensor.randn(103, 4, 4), 3, KINK_H, TOL, PARITY, "matmul", "reduction");
        }
    }

    @Test
    void convolutions() {
        try (Scope scope = Scope.open()) {
            check("seed 4", new Conv2d(4, 4, 3, 2, 1, 1, 2, true, 4), Tensor.randn(104, 2, 4, 5, 5), 4, H, TOL, PARITY, "conv2d");
            check("seed 5", new Conv2d(2, 3, 2, 3, new Conv2dParams(1, 2, 1, 0, 0, 1, 2, 1, 1), false, new SplittableRandom(5)),
                    Tensor.randn(105, 1, 2, 5, 4), 5, H, TOL, PARITY, "conv2d");
            check("seed 6", new ConvTranspose2d(2, 3, 3, 2, 1, 1, 1, true, 1, 6), Tensor.randn(106, 1, 2, 3, 3), 6, H, TOL,
                    PARITY, "conv_transpose2d");
        }
    }

    @Test
    void poolingAndBatchNorm() {
        try (Scope scope = Scope.open()) {
            check("seed 7", new MaxPool2d(2), Tensor.randn(107, 2, 2, 4, 4), 7, KINK_H, TOL, PARITY, "pool2d");
            check("seed 8", new MaxPool2d(Pool2dParams.max(3, 2, 1).withCeilMode(true)), Tensor.randn(108, 1, 2, 6, 6), 8,
                    KINK_H, TOL, PARITY, "pool2d");
            check("seed 9", new AvgPool2d(3, 2, 1, false), Tensor.randn(109, 1, 2, 5, 5), 9, H, TOL, PARITY, "pool2d");
            check("seed 10", new BatchNorm2d(3), Tensor.randn(110, 4, 3, 2, 2), 10, H, 5e-2, PARITY, "batchnorm");
            check("seed 11", new BatchNorm1d(3, 1e-5f, 0.1f, false), Tensor.randn(111, 6, 3), 11, H, 5e-2, PARITY, "batchnorm");
            check("seed 12", new BatchNorm1d(2), Tensor.randn(112, 3, 2, 3), 12, H, 5e-2, PARITY, "batchnorm");
            BatchNorm2d evaluating = new BatchNorm2d(2);
            try (Scope warmup = Scope.open()) {
                evaluating.forward(Tensor.randn(113, 4, 2, 3, 3)); // move the running statistics off 0 and 1
            }
            evaluating.eval();
            check("seed 13 (eval)", evaluating, Tensor.randn(114, 2, 2, 3, 3), 13, H, TOL, PARITY, "batchnorm");
        }
    }

    @Test
    void activationsDropoutAndFlatten() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(115, 3, 4);
            check("relu", new ReLU(), x, 14, KINK_H, TOL, PARITY, "eltwise");
            check("leaky", new LeakyReLU(0.1f), x, 15, KINK_H, TOL, PARITY, "eltwise");
            check("elu", new ELU(0.7f), x, 16, KINK_H, TOL, PARITY, "eltwise");
            check("sigmoid", new Sigmoid(), x, 17, H, TOL, PARITY, "eltwise");
            check("tanh", new Tanh(), x, 18, H, TOL, PARITY, "eltwise");
            // softplus runs as a Java loop on oneDNN (its soft_relu cancels in the left tail): no primitive to count.
            check("softplus", new Softplus(2f), x, 19, H, TOL, PARITY);
            check("gelu", new GELU(), x, 20, H, TOL, PARITY, "eltwise");
            check("gelu tanh", new GELU("tanh"), x, 21, H, TOL, PARITY, "eltwise");
            check("flatten", new Flatten(), Tensor.randn(116, 2, 3, 2), 22, H, TOL, PARITY);
            // A fresh module per forward replays the same mask (its call counter restarts), as the check needs.
            Tensor leaf = Scope.untracked(() -> Tensor.randn(117, 4, 6).requiresGrad(true));
            try (leaf) {
                ModuleGradientCheck.check("dropout seed 23", () -> new Dropout(0.3f, 23).forward(leaf), Map.of("input", leaf),
                        23, H, TOL, PARITY, "binary");
            }
        }
    }

    @Test
    void compositeBlocks() {
        try (Scope scope = Scope.open()) {
            check("identity shortcut", new BasicBlock(2, 2, 1, 24), Tensor.randn(118, 2, 2, 4, 4), 24, KINK_H, 5e-2, 1e-3,
                    "conv2d", "batchnorm", "eltwise");
            check("downsample shortcut", new BasicBlock(2, 3, 2, 25), Tensor.randn(119, 3, 2, 4, 4), 25, KINK_H, 5e-2, 1e-3,
                    "conv2d", "batchnorm", "eltwise");
            check("inception", new Concat(new Conv2d(2, 2, 1, 1, 0, 1, 1, true, 26),
                            new Sequential(new Conv2d(2, 1, 3, 1, 1, 1, 1, true, 27), new Tanh()), new AvgPool2d(3, 1, 1)),
                    Tensor.randn(120, 2, 2, 3, 3), 26, H, TOL, 1e-3, "conv2d", "concat");
            check("mlp", new Sequential(new Linear(5, 4, true, 28), new ReLU(), new Dropout(0f, 29), new Linear(4, 2, true, 30)),
                    Tensor.randn(121, 3, 5), 28, KINK_H, TOL, 1e-3, "matmul");
        }
    }

    /** y = x * w whose recorded backward claims dw = 2 g x: the check must reject the parameter gradient. */
    private static final class WrongScale extends Module {
        private final Tensor w = registerParameter("w", () -> Tensor.randn(31, 3));

        @Override
        public Tensor forward(Tensor x) {
            return Autograd.record("wrong_scale", F.mul(x, w), (g, needs) -> new Tensor[] {
                    F.mul(g, w), Functional.sumToShape(F.mul(F.mul(g, x), 2f), w.shape())}, x, w);
        }
    }

    @Test
    void theCheckCatchesAWrongParameterGradient() {
        try (Scope scope = Scope.open()) {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> check("wrong", new WrongScale(), Tensor.randn(122, 2, 3), 31, H, TOL, PARITY));
            assertTrue(e.getMessage().contains("finite differences for w [3]"), e.getMessage());
        }
    }
}
