package org.jdnn.autograd;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * einsum's common forms against hand-computed values and against the matmul / sum / permute they stand for, forward and
 * backward, on every available CPU backend; its gradient by finite differences; and its refusals.
 */
class EinsumTest {
    static Stream<String> backends() {
        return MatmulSemanticsTest.backends();
    }

    private static void on(String name, Runnable body) {
        Backend backend = Backends.get(name);
        Backends.with(backend, (Runnable) () -> {
            try (Scope scope = Scope.open()) {
                body.run();
            }
        });
    }

    private static void assertValues(float[] expected, Tensor actual, String what) {
        assertArrayEquals(expected, actual.toFloatArray(), 1e-4f, what);
    }

    private static void assertSame(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-4f, what);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void handComputedForms(String backend) {
        on(backend, () -> {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
            assertValues(new float[] {4, 5, 10, 11}, F.einsum("ij,jk->ik", a, b), "ij,jk->ik");
            assertValues(new float[] {4, 5, 10, 11}, F.einsum("ij,jk", a, b), "implicit output ik");
            assertValues(new float[] {1, 4, 2, 5, 3, 6}, F.einsum("ij->ji", a), "ij->ji");
            assertValues(new float[] {6, 15}, F.einsum("ij->i", a), "row sums");
            Tensor total = F.einsum("ij->", a);
            assertEquals(Shape.of(), total.shape());
            assertEquals(21f, total.item());
            Tensor u = Tensor.of(1, 2, 3), v = Tensor.of(4, 5, 6);
            Tensor dot = F.einsum("i,i->", u, v);
            assertEquals(Shape.of(), dot.shape());
            assertEquals(32f, dot.item());
            Tensor outer = F.einsum("i,j->ij", u, Tensor.of(1, -1));
            assertEquals(Shape.of(3, 2), outer.shape());
            assertValues(new float[] {1, -1, 2, -2, 3, -3}, outer, "outer");
            // Sum-out: k appears in b only and not in the output: (a @ b) summed over k = a @ (row sums of b).
            assertValues(new float[] {9, 21}, F.einsum("ij,jk->i", a, b), "ij,jk->i");
            // The first operand stored transposed: "ji" is permuted to "ij" before the product.
            assertValues(new float[] {4, 5, 10, 11}, F.einsum("ji,jk->ik", a.transpose(0, 1), b), "ji,jk->ik");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void batchedFormsMatchMatmul(String backend) {
        on(backend, () -> {
            SplittableRandom r = new SplittableRandom(3);
            Tensor x = Tensor.randn(r, 4, 3, 5), y = Tensor.randn(r, 4, 5, 2);
            assertSame(F.matmul(x, y), F.einsum("bij,bjk->bik", x, y), "bij,bjk->bik");
            assertSame(F.matmul(x, y).sum(0), F.einsum("bij,bjk->ik", x, y), "bij,bjk->ik (b contracted too)");
            Tensor q = Tensor.randn(r, 2, 3, 4, 8), k = Tensor.randn(r, 2, 3, 5, 8);
            assertSame(F.matmul(q, k.transpose(-2, -1)), F.einsum("bhqd,bhkd->bhqk", q, k), "attention scores");
            assertSame(F.matmul(q, k.transpose(-2, -1)).permute(0, 2, 1, 3), F.einsum("bhqd,bhkd->bqhk", q, k),
                    "output permuted");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gradientsMatchTheComposedForm(String backend) {
        on(backend, () -> {
            SplittableRandom r = new SplittableRandom(5);
            Tensor q = Tensor.randn(r, 2, 3, 4, 6).requiresGrad(true), k = Tensor.randn(r, 2, 3, 5, 6).requiresGrad(true);
            Tensor c = Tensor.randn(r, 2, 3, 4, 5);
            F.sum(F.mul(F.einsum("bhqd,bhkd->bhqk", q, k), c)).backward();
            Tensor gq = q.grad().copy(), gk = k.grad().copy();
            q.grad().fill(0f);
            k.grad().fill(0f);
            F.sum(F.mul(F.matmul(q, k.transpose(-2, -1)), c)).backward();
            assertSame(q.grad(), gq, "dq");
            assertSame(k.grad(), gk, "dk");
        });
    }

    @Test
    void finiteDifferences() {
        SplittableRandom r = new SplittableRandom(7);
        try (Scope scope = Scope.open()) {
            GradientChecker.check("einsum ij,jk->ik", x -> F.einsum("ij,jk->ik", x[0], x[1]), 1, 1e-2, 2e-2,
                    GradientChecker.randn(r, 3, 4), GradientChecker.randn(r, 4, 2));
            GradientChecker.check("einsum bij,jk->bk (i summed out)", x -> F.einsum("bij,jk->bk", x[0], x[1]), 2, 1e-2,
                    2e-2, GradientChecker.randn(r, 2, 3, 4), GradientChecker.randn(r, 4, 2));
            GradientChecker.check("einsum i,j->ji", x -> F.einsum("i,j->ji", x[0], x[1]), 3, 1e-2, 2e-2,
                    GradientChecker.randn(r, 3), GradientChecker.randn(r, 2));
            GradientChecker.check("einsum ijk->ki", x -> F.einsum("ijk->ki", x[0]), 4, 1e-2, 2e-2,
                    GradientChecker.randn(r, 2, 3, 4));
        }
    }

    @Test
    void refusalsNameEinsumAndTheSubscript() {
        try (Scope scope = Scope.open()) {
            Tensor m = Tensor.zeros(2, 3), n = Tensor.zeros(4, 5);
            expect("subscript 'j' has size 3 in operand 0 and 4 in operand 1", () -> F.einsum("ij,jk->ik", m, n));
            expect("subscript 'i' is repeated in operand 0", () -> F.einsum("ii->i", Tensor.zeros(3, 3)));
            expect("ellipsis", () -> F.einsum("...ij->ij", m));
            expect("invalid subscript '1'", () -> F.einsum("i1->i", m));
            expect("output subscript 'z' appears in no operand", () -> F.einsum("ij->iz", m));
            expect("output subscript 'i' is repeated", () -> F.einsum("ij->ii", m));
            expect("subscripts 'ijk' name 3 dimensions but operand 0 has shape [2, 3]", () -> F.einsum("ijk->i", m));
            expect("has 1 operand subscripts but 2 operands", () -> F.einsum("ij->i", m, m));
            expect("3 operands given", () -> F.einsum("i,i,i->", Tensor.zeros(2), Tensor.zeros(2), Tensor.zeros(2)));
        }
    }

    private static void expect(String fragment, Supplier<Tensor> call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        assertTrue(e.getMessage().startsWith("einsum: ") && e.getMessage().contains(fragment), e.getMessage());
    }
}
