package org.jdnn.tensor;

import org.jdnn.autograd.F;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.Pool2dParams;
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
    void activationAndLayerMethodsAreTheirStaticForms() {
        try (Scope ignored = Scope.open()) {
            Tensor x = Tensor.randn(6, 2, 3, 6, 6);
            same(x, Tensor::step, F::step);
            same(x, t -> t.leakyRelu(0.1f), t -> F.leakyRelu(t, 0.1f));
            same(x, t -> t.elu(0.7f), t -> F.elu(t, 0.7f));
            same(x, Tensor::gelu, F::gelu);
            same(x, Tensor::geluTanh, F::geluTanh);
            same(x, t -> t.softplus(2f), t -> F.softplus(t, 2f));
            same(x, t -> t.softplus(2f, 1f), t -> F.softplus(t, 2f, 1f));
            Tensor w = Tensor.randn(7, 4, 6);
            Tensor b = Tensor.randn(8, 4);
            same(x, t -> t.linear(w, b), t -> F.linear(t, w, b));
            Tensor k = Tensor.randn(9, 5, 3, 3, 3);
            Conv2dParams padded = Conv2dParams.of(1, 1);
            same(x, t -> t.conv2d(k, null), t -> F.conv2d(t, k, null));
            same(x, t -> t.conv2d(k, null, padded), t -> F.conv2d(t, k, null, padded));
            Tensor kt = Tensor.randn(10, 3, 2, 2, 2);
            ConvTranspose2dParams up = ConvTranspose2dParams.of(2, 0);
            same(x, t -> t.convTranspose2d(kt, null, up), t -> F.convTranspose2d(t, kt, null, up));
            Pool2dParams ceil = Pool2dParams.max(3, 2, 1).withCeilMode(true);
            same(x, t -> t.pool2d(ceil), t -> F.pool2d(t, ceil));
            same(x, t -> t.maxPool2d(2, 2, 0), t -> F.maxPool2d(t, 2, 2, 0));
            same(x, t -> t.avgPool2d(3, 1, 1), t -> F.avgPool2d(t, 3, 1, 1));
            same(x, t -> t.maxPool2dWithIndices(ceil).output(), t -> F.maxPool2dWithIndices(t, ceil).output());
            same(x, t -> t.dropout(0.5f, true, 11), t -> F.dropout(t, 0.5f, true, 11));
        }
    }

    @Test
    void cloneCopiesTheElementsAndPassesTheGradient() {
        try (Scope ignored = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, -2, 3, -4, 5, -6}, 2, 3).requiresGrad(true);
            Tensor c = x.clone();
            assertEquals(x.shape(), c.shape());
            assertArrayEquals(x.toFloatArray(), c.toFloatArray(), 0f);
            // d sum(clone(x) * [1..6]) / dx = [1..6], as torch.clone's backward passes the gradient through
            c.mul(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)).sum().backward();
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, x.grad().toFloatArray(), 0f);
            // its own storage: a write to the clone leaves the base as it was
            Tensor d = x.detach().clone();
            d.set(100f, 0, 0);
            assertEquals(1f, x.get(0, 0), "base after writing to its clone");
            assertEquals(7f, Tensor.scalar(7f).clone().item(), "rank 0");
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
