package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradCheck;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.jdnn.testing.RandomShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN concat and split (its backward: a reorder per part from a sub-memory view) against the reference
 * over seeded random shapes, axes (negative included) and 1..4 parts, some of size 0 along the axis.
 * Bound: exact (both are copies).
 */
class ConcatParityTest {

    record Case(List<long[]> parts, int axis, long seed) {
        List<Shape> shapes() {
            return parts.stream().map(Shape::of).toList();
        }

        @Override
        public String toString() {
            return "parts " + parts.stream().map(Arrays::toString).toList() + " axis " + axis + " seed " + seed;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(61);
        for (int i = 0; i < 30; i++) {
            int rank = 1 + random.nextInt(4);
            long[] base = RandomShapes.shape(random, rank, 3000);
            int axis = random.nextInt(-rank, rank);
            int normalized = axis < 0 ? axis + rank : axis;
            int count = 1 + random.nextInt(4);
            List<long[]> parts = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                long[] dims = base.clone();
                dims[normalized] = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(17);
                parts.add(dims);
            }
            cases.add(new Case(parts, axis, random.nextLong()));
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void concatAndSplitMatchReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("concat");
        Parity.onednn("split");
        Shape out = ConcatShapes.infer("concat", c.axis(), c.shapes()).output();
        try (Scope scope = Scope.open()) {
            List<Tensor> parts = new ArrayList<>();
            for (int p = 0; p < c.parts().size(); p++) {
                parts.add(Tensor.randn(c.seed() + p, c.parts().get(p)));
            }
            Tensor expected = Tensor.empty(out);
            Tensor actual = Tensor.full(Float.NaN, out.dims());
            Kernels.concat(ReferenceBackend.INSTANCE, c.axis(), parts, expected);
            long before = onednn.nativeExecutions("concat");
            Kernels.concat(onednn, c.axis(), parts, actual);
            if (out.numel() > 0) {
                assertTrue(onednn.nativeExecutions("concat") > before, "oneDNN concat did not run for " + c);
            }
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "concat " + c);

            List<Tensor> pieces = new ArrayList<>();
            for (long[] dims : c.parts()) {
                pieces.add(Tensor.full(Float.NaN, dims));
            }
            long splitBefore = onednn.nativeExecutions("split");
            Kernels.split(onednn, c.axis(), expected, pieces);
            if (out.numel() > 0) {
                assertTrue(onednn.nativeExecutions("split") > splitBefore, "oneDNN split did not run for " + c);
            }
            for (int p = 0; p < parts.size(); p++) {
                assertArrayEquals(parts.get(p).toFloatArray(), pieces.get(p).toFloatArray(), "split part " + p + " " + c);
            }
        }
    }

    /** split is the adjoint (and the backward) of concat: {@code <concat(t), g> = sum_p <t_p, split(g)_p>}. */
    @ParameterizedTest
    @MethodSource("cases")
    void referenceSplitIsTheAdjointOfConcat(Case c) {
        Shape out = ConcatShapes.infer("concat", c.axis(), c.shapes()).output();
        try (Scope scope = Scope.open()) {
            List<Tensor> parts = new ArrayList<>(), grads = new ArrayList<>();
            for (int p = 0; p < c.parts().size(); p++) {
                parts.add(Tensor.randn(c.seed() + p, c.parts().get(p)));
                grads.add(Tensor.empty(c.parts().get(p)));
            }
            Tensor whole = Tensor.empty(out);
            Kernels.concat(ReferenceBackend.INSTANCE, c.axis(), parts, whole);
            Tensor g = Tensor.randn(c.seed() - 1, out.dims());
            Kernels.split(ReferenceBackend.INSTANCE, c.axis(), g, grads);
            double left = GradCheck.dot(whole, g), right = 0;
            for (int p = 0; p < parts.size(); p++) {
                right += GradCheck.dot(parts.get(p), grads.get(p));
            }
            assertEquals(left, right, 1e-9 * (1 + Math.abs(left)), "adjoint " + c);
        }
    }

    @Test
    void functionalRoundTrip() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor b = Tensor.of(new float[] {5, 6}, 2, 1);
            Tensor c = Functional.concat(-1, a, b);
            assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, c.toFloatArray());
            assertEquals(Shape.of(2, 3), c.shape());
            List<Tensor> parts = Functional.split(c, 1, 2, 1);
            assertArrayEquals(a.toFloatArray(), parts.get(0).toFloatArray());
            assertArrayEquals(b.toFloatArray(), parts.get(1).toFloatArray());
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.concat(0, a, Tensor.randn(2, 2, 4)));
            assertTrue(e.getMessage().startsWith("concat: tensor 1 has shape [2, 4] but tensor 0 has [2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Functional.concat(1, a, Tensor.randn(2, 3)));
            assertTrue(e.getMessage().contains("ranks differ"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Functional.concat(2, a, a));
            assertTrue(e.getMessage().startsWith("concat: axis 2 is out of range for shape [2, 3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Functional.concat(0, List.of()));
            assertThrows(IllegalArgumentException.class, () -> Functional.concat(0, Tensor.scalar(1f), Tensor.scalar(2f)));
            e = assertThrows(IllegalArgumentException.class, () -> Functional.split(a, 1, 1, 1));
            assertTrue(e.getMessage().startsWith("split: input shape [2, 3] != expected [2, 2]"), e.getMessage());
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("concat"))) {
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.concat(backend, 0, List.of(a, a), Tensor.empty(4, 4)));
                assertTrue(e.getMessage().contains("concat: out shape [4, 4] != expected [4, 3]"), e.getMessage());
                Tensor closed = Tensor.randn(2, 2, 3);
                closed.close();
                assertThrows(IllegalStateException.class, () -> Kernels.concat(backend, 0, List.of(a, closed), Tensor.empty(4, 3)));
                Tensor closedRow = Tensor.empty(1, 3); // a part of the right shape: the shape rule runs first
                closedRow.close();
                assertThrows(IllegalStateException.class, () -> Kernels.split(backend, 0, a, List.of(Tensor.empty(1, 3), closedRow)));
                assertThrows(IllegalArgumentException.class, () -> Kernels.split(backend, 0, a, List.of(a)));
            }
        }
    }
}
