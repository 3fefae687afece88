package org.jdnn.autograd;

import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.jdnn.autograd.GradientChecker.check;

/**
 * Every differentiable op's gradient: finite differences on the reference backend (float32, central
 * differences, step 1e-2, tolerance 2e-2 relative to 1 + |g|), and oneDNN's backward against the reference's.
 */
class GradientCheckTest {
    private static final double H = 1e-2;
    private static final double TOL = 2e-2;
    private final SplittableRandom random = new SplittableRandom(2026);

    private Tensor randn(long... shape) {
        return GradientChecker.randn(random, shape);
    }

    @Test
    void matrixProducts() {
        try (Scope scope = Scope.open()) {
            check("matmul", x -> F.matmul(x[0], x[1]), 1, H, TOL, randn(3, 4), randn(4, 5));
            check("batched matmul with broadcast", x -> F.matmul(x[0], x[1]), 2, H, TOL, randn(2, 3, 4), randn(4, 2));
            check("linear", x -> F.linear(x[0], x[1], x[2]), 3, H, TOL, randn(5, 4), randn(3, 4), randn(3));
        }
    }

    /** The matmul derivative for every transpose, with a broadcast batch on either side and a bias. */
    @Test
    void matrixProductsWithTransposesBroadcastAndBias() {
        try (Scope scope = Scope.open()) {
            for (int t = 0; t < 4; t++) {
                MatmulParams params = new MatmulParams((t & 1) != 0, (t & 2) != 0);
                long[] a = params.transposeA() ? new long[] {4, 3} : new long[] {3, 4};
                long[] b = params.transposeB() ? new long[] {5, 4} : new long[] {4, 5};
                check("matmul " + params + " batched a, shared b", x -> Calls.call(MatmulOps.MATMUL, params, x[0], x[1], x[2]),
                        40 + t, H, TOL, randn(2, a[0], a[1]), randn(b), randn(5));
                check("matmul " + params + " batch-1 a, batched b", x -> Calls.call(MatmulOps.MATMUL, params, x[0], x[1], null),
                        50 + t, H, TOL, randn(1, a[0], a[1]), randn(2, b[0], b[1]));
            }
        }
    }

    /** The log: 1/x, and 0 where clamped (x below 1 for a clamp at 0; no x within the step of the kink). */
    @Test
    void clampedLog() {
        try (Scope scope = Scope.open()) {
            Tensor positive = F.add(F.abs(randn(3, 4)), 0.5f).detach();
            check("log", x -> F.log(x[0]), 60, 1e-3, TOL, positive);
            check("log clamped at 0", x -> F.log(x[0], 0f), 61, 1e-3, TOL, Tensor.of(0.55f, 0.6f, 0.9f, 1.5f, 2f, 3f));
        }
    }

    @Test
    void broadcastingArithmetic() {
        try (Scope scope = Scope.open()) {
            check("add", x -> F.add(x[0], x[1]), 4, H, TOL, randn(2, 3), randn(3));
            check("sub", x -> F.sub(x[0], x[1]), 5, H, TOL, randn(2, 1), randn(2, 3));
            check("mul", x -> F.mul(x[0], x[1]), 6, H, TOL, randn(2, 3), randn(1, 3));
            Tensor away = F.add(F.abs(randn(3)), 1f).detach();
            check("div", x -> F.div(x[0], x[1]), 7, H, TOL, randn(2, 3), away);
            check("maximum", x -> F.maximum(x[0], x[1]), 8, H, TOL, randn(4, 3), randn(4, 3));
            check("scalars", x -> F.div(F.sub(F.mul(F.add(x[0], 2f), 3f), 1f), 4f), 9, H, TOL, randn(5));
        }
    }

    @Test
    void activations() {
        try (Scope scope = Scope.open()) {
            check("relu", x -> F.relu(x[0]), 10, 1e-3, TOL, randn(3, 5));
            check("leaky relu", x -> F.leakyRelu(x[0], 0.1f), 11, 1e-3, TOL, randn(3, 5));
            check("elu", x -> F.elu(x[0], 1.2f), 12, 1e-3, TOL, randn(3, 5));
            check("sigmoid", x -> F.sigmoid(x[0]), 13, H, TOL, randn(3, 5));
            check("tanh", x -> F.tanh(x[0]), 14, H, TOL, randn(3, 5));
            check("softplus", x -> F.softplus(x[0], 2f), 15, H, TOL, randn(3, 5));
            check("gelu", x -> F.gelu(x[0]), 16, H, TOL, randn(3, 5));
            check("gelu tanh", x -> F.geluTanh(x[0]), 17, H, TOL, randn(3, 5));
        }
    }

    @Test
    void softmaxReductionsAndShapes() {
        try (Scope scope = Scope.open()) {
            check("softmax", x -> F.softmax(x[0], 1), 18, H, TOL, randn(3, 4));
            check("log softmax", x -> F.logSoftmax(x[0], -1), 19, H, TOL, randn(3, 4));
            check("sum", x -> F.sum(x[0], true, 0), 20, H, TOL, randn(3, 4));
            check("mean", x -> F.mean(x[0], false, 1), 21, H, TOL, randn(3, 4));
            check("max", x -> F.max(x[0], false, 1), 22, 1e-3, TOL, randn(3, 4));
            check("flatten + reshape", x -> F.mul(F.flatten(x[0], 1), 2f), 23, H, TOL, randn(2, 3, 2));
            check("concat", x -> F.concat(1, x[0], x[1]), 24, H, TOL, randn(2, 3), randn(2, 2));
            check("dropout", x -> F.dropout(x[0], 0.3f, true, 99), 25, H, TOL, randn(4, 6));
        }
    }

    @Test
    void convolutionPoolingAndBatchNorm() {
        try (Scope scope = Scope.open()) {
            check("conv2d", x -> F.conv2d(x[0], x[1], x[2], Conv2dParams.of(2, 1)), 26, H, TOL,
                    randn(2, 2, 5, 5), randn(3, 2, 3, 3), randn(3));
            check("conv_transpose2d", x -> F.convTranspose2d(x[0], x[1], x[2],
                    new ConvTranspose2dParams(Conv2dParams.of(2, 1), 1, 1)), 27, H, TOL,
                    randn(1, 2, 3, 3), randn(2, 3, 3, 3), randn(3));
            check("max pool", x -> F.pool2d(x[0], Pool2dParams.max(2, 2, 0)), 28, 1e-3, TOL, randn(2, 2, 4, 4));
            check("avg pool", x -> F.avgPool2d(x[0], 3, 2, 1), 29, H, TOL, randn(1, 2, 5, 5));
            check("batch norm (training)", x -> F.batchNorm(x[0], null, null, x[1], x[2], true, BatchNormParams.DEFAULT),
                    30, H, 5e-2, randn(4, 3, 2, 2), randn(3), randn(3));
        }
    }
}
