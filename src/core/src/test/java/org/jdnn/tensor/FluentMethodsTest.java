package org.jdnn.tensor;

import org.jdnn.autograd.F;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A tensor's methods are its ops written PyTorch's way: the same values and gradients as the static forms. */
class FluentMethodsTest {

    @Test
    void aChainOfMethodsEqualsTheStaticCalls() {
        try (Scope ignored = Scope.open()) {
            Tensor x = Tensor.randn(1, 4, 3);
            Tensor w = Tensor.randn(2, 3, 5);
            Tensor b = Tensor.randn(3, 5);
            Tensor fluent = x.matmul(w).add(b).relu().mul(2f).sub(1f).div(3f).neg();
            Tensor statics = F.neg(F.div(F.sub(F.mul(F.relu(F.add(F.matmul(x, w), b)), 2f), 1f), 3f));
            assertArrayEquals(statics.toFloatArray(), fluent.toFloatArray(), 0f, "shape " + fluent.shape());
        }
    }

    @Test
    void eachMethodIsItsStaticForm() {
        try (Scope ignored = Scope.open()) {
            Tensor x = Tensor.randn(4, 2, 3, 4);
            Tensor y = Tensor.rand(5, 2, 3, 4).add(0.5f);
            same(x, Tensor::sigmoid, F::sigmoid);
            same(x, Tensor::tanh, F::tanh);
            same(x, Tensor::abs, F::abs);
            same(x, Tensor::sign, F::sign);
            same(x, Tensor::square, F::square);
            same(y, Tensor::log, F::log);
            same(x, t -> t.maximum(y), t -> F.maximum(t, y));
            same(x, t -> t.minimum(y), t -> F.minimum(t, y));
            same(x, t -> t.softmax(1), t -> F.softmax(t, 1));
            same(x, t -> t.logSoftmax(-1), t -> F.logSoftmax(t, -1));
            same(x, Tensor::sum, F::sum);
            same(x, t -> t.sum(1), t -> F.sum(t, false, 1));
            same(x, t -> t.sum(-1, true), t -> F.sum(t, true, -1));
            same(x, t -> t.sum(new int[] {0, 2}, false), t -> F.sum(t, false, 0, 2));
            same(x, Tensor::mean, F::mean);
            same(x, t -> t.mean(2, true), t -> F.mean(t, true, 2));
            same(x, Tensor::max, t -> F.max(t, false));
        }
    }

    @Test
    void gradientsFlowThroughMethods() {
        try (Scope ignored = Scope.open()) {
            Tensor w = Tensor.of(new float[] {1, -2, 3, -4}, 2, 2).requiresGrad(true);
            Tensor x = Tensor.of(new float[] {1, 1}, 1, 2);
            // x @ w = [1 + 3, -2 - 4] = [4, -6]; relu gives [4, 0]; the sum is 4
            Tensor loss = x.matmul(w).relu().sum();
            assertEquals(4f, loss.item());
            loss.backward();
            // d loss / d w[i][j] = x[i] where column j is active (j = 0 only)
            assertArrayEquals(new float[] {1, 0, 1, 0}, w.grad().toFloatArray(), 0f);
        }
    }

    private static void same(Tensor x, Function<Tensor, Tensor> method, Function<Tensor, Tensor> staticForm) {
        Tensor a = method.apply(x);
        Tensor b = staticForm.apply(x);
        assertEquals(b.shape(), a.shape());
        assertArrayEquals(b.toFloatArray(), a.toFloatArray(), 0f, "shape " + x.shape());
    }
}
