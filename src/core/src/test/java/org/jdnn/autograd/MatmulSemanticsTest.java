package org.jdnn.autograd;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.nn.Linear;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * torch.matmul, bmm and linear against values worked out by hand: 1-D operands, broadcast batches of rank 4, linear on
 * inputs of rank 1 to 4 (weight and bias gradients summed over every leading dimension), an empty inner dimension, and
 * the refusals, on every available CPU backend.
 */
class MatmulSemanticsTest {
    static Stream<String> backends() {
        return Backends.names().stream().filter(n -> Backends.unavailableReason(n).isEmpty()
                && Backends.get(n).device().isHost());
    }

    private static void on(String name, Runnable body) {
        Backend backend = Backends.get(name);
        Backends.with(backend, (Runnable) () -> {
            try (Scope scope = Scope.open()) {
                body.run();
            }
        });
    }

    private static Tensor param(float[] values, long... shape) {
        return Tensor.of(values, shape).requiresGrad(true);
    }

    private static void assertValues(float[] expected, Tensor actual, String what) {
        assertArrayEquals(expected, actual.toFloatArray(), 1e-5f, what);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void dotOfTwoVectorsIsRankZero(String backend) {
        on(backend, () -> {
            Tensor a = param(new float[] {1, 2, 3}, 3), b = param(new float[] {4, 5, 6}, 3);
            Tensor y = a.matmul(b);
            assertEquals(Shape.of(), y.shape());
            assertEquals(32f, y.item());
            y.backward();
            assertValues(new float[] {4, 5, 6}, a.grad(), "d dot / da = b");
            assertValues(new float[] {1, 2, 3}, b.grad(), "d dot / db = a");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void vectorTimesMatrixAndMatrixTimesVector(String backend) {
        on(backend, () -> {
            Tensor v = param(new float[] {1, 2}, 2);
            Tensor m = param(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor vm = F.matmul(v, m); // [1*1+2*4, 1*2+2*5, 1*3+2*6]
            assertEquals(Shape.of(3), vm.shape());
            assertValues(new float[] {9, 12, 15}, vm, "v @ m");
            F.sum(vm).backward();
            assertValues(new float[] {6, 15}, v.grad(), "row sums of m");
            assertValues(new float[] {1, 1, 1, 2, 2, 2}, m.grad(), "v outer ones");

            Tensor w = param(new float[] {1, 1, 1}, 3);
            Tensor mw = F.matmul(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), w);
            assertEquals(Shape.of(2), mw.shape());
            assertValues(new float[] {6, 15}, mw, "m @ w");
            F.sum(mw).backward();
            assertValues(new float[] {5, 7, 9}, w.grad(), "column sums of m");

            // A vector against a batch: (3) @ (2, 3, 1) -> (2, 1)
            Tensor batch = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 1);
            Tensor vb = F.matmul(Tensor.of(new float[] {1, 0, -1}, 3), batch);
            assertEquals(Shape.of(2, 1), vb.shape());
            assertValues(new float[] {-2, -2}, vb, "v @ batch");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchDimensionsBroadcastAtRankFour(String backend) {
        on(backend, () -> {
            // A (2, 1, 2, 2): A[0] = [[1, 2], [3, 4]], A[1] = [[0, 1], [1, 0]]; B (3, 2, 2): B[j] = (j + 1) I.
            Tensor a = param(new float[] {1, 2, 3, 4, 0, 1, 1, 0}, 2, 1, 2, 2);
            float[] bv = new float[12];
            for (int j = 0; j < 3; j++) {
                bv[4 * j] = j + 1;
                bv[4 * j + 3] = j + 1;
            }
            Tensor b = param(bv, 3, 2, 2);
            Tensor y = a.matmul(b);
            assertEquals(Shape.of(2, 3, 2, 2), y.shape());
            float[] expected = new float[24];
            float[][] as = {{1, 2, 3, 4}, {0, 1, 1, 0}};
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int e = 0; e < 4; e++) {
                        expected[(i * 3 + j) * 4 + e] = (j + 1) * as[i][e];
                    }
                }
            }
            assertValues(expected, y, "A[i] (j + 1)");
            F.sum(y).backward();
            // dA[i] = sum_j ones(2, 2) B[j]^T = (1 + 2 + 3) ones; dB[j] = sum_i A[i]^T ones.
            assertValues(new float[] {6, 6, 6, 6, 6, 6, 6, 6}, a.grad(), "dA summed over the broadcast j");
            assertEquals(Shape.of(2, 1, 2, 2), a.grad().shape());
            // A[0]^T ones = [[4, 4], [6, 6]], A[1]^T ones = [[1, 1], [1, 1]]: sum [[5, 5], [7, 7]] for each j.
            assertValues(new float[] {5, 5, 7, 7, 5, 5, 7, 7, 5, 5, 7, 7}, b.grad(), "dB summed over i");
        });
    }

    /** linear on x of rank 1 to 4: y = x W^T + b; with L = sum(y), dW[o][i] = sum of x[..., i], db[o] = the rows. */
    @ParameterizedTest
    @MethodSource("backends")
    void linearOnEveryRankReducesWeightAndBiasGradientsOverLeadingDimensions(String backend) {
        on(backend, () -> {
            long[][] shapes = {{3}, {2, 3}, {2, 2, 3}, {2, 1, 2, 3}};
            for (long[] shape : shapes) {
                int numel = Math.toIntExact(Shape.of(shape).numel());
                float[] xv = new float[numel];
                for (int i = 0; i < numel; i++) {
                    xv[i] = i + 1;
                }
                Tensor x = param(xv, shape);
                Tensor w = param(new float[] {1, 0, -1, 2, 1, 0}, 2, 3);
                Tensor bias = param(new float[] {0.5f, -1}, 2);
                Tensor y = F.linear(x, w, bias);
                long[] outShape = shape.clone();
                outShape[outShape.length - 1] = 2;
                assertEquals(Shape.of(outShape), y.shape(), "linear output of x " + Shape.of(shape));
                int rows = numel / 3;
                float[] expected = new float[rows * 2];
                float[] columnSums = new float[3];
                for (int r = 0; r < rows; r++) {
                    float x0 = xv[3 * r], x1 = xv[3 * r + 1], x2 = xv[3 * r + 2];
                    expected[2 * r] = x0 - x2 + 0.5f;
                    expected[2 * r + 1] = 2 * x0 + x1 - 1;
                    columnSums[0] += x0;
                    columnSums[1] += x1;
                    columnSums[2] += x2;
                }
                assertValues(expected, y, "linear of x " + Shape.of(shape));
                F.sum(y).backward();
                assertEquals(w.shape(), w.grad().shape(), "dW shape for x " + Shape.of(shape));
                assertEquals(bias.shape(), bias.grad().shape(), "db shape for x " + Shape.of(shape));
                assertValues(new float[] {columnSums[0], columnSums[1], columnSums[2], columnSums[0], columnSums[1],
                        columnSums[2]}, w.grad(), "dW for x " + Shape.of(shape));
                assertValues(new float[] {rows, rows}, bias.grad(), "db for x " + Shape.of(shape));
                float[] dx = new float[numel];
                for (int r = 0; r < rows; r++) {
                    dx[3 * r] = 3; // column sums of W: (1 + 2, 0 + 1, -1 + 0)
                    dx[3 * r + 1] = 1;
                    dx[3 * r + 2] = -1;
                }
                assertValues(dx, x.grad(), "dx for x " + Shape.of(shape));
            }
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linearModuleOnRankThreeAccumulatesGradientsOfTheParametersShapes(String backend) {
        on(backend, () -> {
            try (Linear layer = new Linear(3, 2, true, 7L)) {
                Tensor x = Tensor.randn(8, 4, 5, 3);
                F.sum(layer.forward(x)).backward();
                assertEquals(Shape.of(2, 3), layer.weight().grad().shape());
                assertEquals(Shape.of(2), layer.bias().grad().shape());
                assertValues(new float[] {20, 20}, layer.bias().grad(), "db counts the 4 x 5 rows");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void bmmMultipliesEqualBatchesAndRefusesBroadcasting(String backend) {
        on(backend, () -> {
            Tensor a = param(new float[] {1, 2, 3, 4, 1, 0, 0, 1}, 2, 2, 2);
            Tensor b = param(new float[] {1, 1, 1, 1, 2, 3, 4, 5}, 2, 2, 2);
            Tensor y = a.bmm(b);
            assertEquals(Shape.of(2, 2, 2), y.shape());
            assertValues(new float[] {3, 3, 7, 7, 2, 3, 4, 5}, y, "bmm");
            F.sum(y).backward();
            assertValues(new float[] {2, 2, 2, 2, 5, 9, 5, 9}, a.grad(), "ones B^T");
            assertValues(new float[] {4, 4, 6, 6, 1, 1, 1, 1}, b.grad(), "A^T ones");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> F.bmm(Tensor.zeros(1, 2, 3), Tensor.zeros(2, 3, 4)));
            assertTrue(e.getMessage().contains("bmm: batch sizes differ"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> F.bmm(Tensor.zeros(2, 3), Tensor.zeros(3, 4)));
            assertTrue(e.getMessage().contains("bmm: both operands must be rank 3"), e.getMessage());
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anEmptyInnerDimensionGivesZerosPlusTheBias(String backend) {
        on(backend, () -> {
            Tensor y = F.matmul(Tensor.zeros(2, 0), Tensor.zeros(0, 3));
            assertValues(new float[6], y, "(2, 0) @ (0, 3)");
            Tensor bias = param(new float[] {1, 2}, 2);
            Tensor z = F.linear(Tensor.zeros(3, 0), Tensor.zeros(2, 0), bias);
            assertValues(new float[] {1, 2, 1, 2, 1, 2}, z, "linear with in_features 0");
            F.sum(z).backward();
            assertValues(new float[] {3, 3}, bias.grad(), "db");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void refusalsNameTheOpAndTheShapes(String backend) {
        on(backend, () -> {
            for (var call : List.<Runnable>of(
                    () -> F.matmul(Tensor.scalar(2), Tensor.zeros(3)),
                    () -> F.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)),
                    () -> F.matmul(Tensor.zeros(3), Tensor.zeros(4)))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
                assertTrue(e.getMessage().startsWith("matmul: "), e.getMessage());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> F.linear(Tensor.zeros(2, 3), Tensor.zeros(1, 4, 3), null));
            assertTrue(e.getMessage().contains("linear: weight must be (out_features, in_features)"), e.getMessage());
        });
    }
}
