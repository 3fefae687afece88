package org.jdnn.backend;

import org.jdnn.ops.ReductionOps;
import org.jdnn.testing.Kernels;
import static org.jdnn.testing.Kernels.in;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradCheck;
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
 * oneDNN binary arithmetic (add, sub, mul, div, max, min) with random NumPy broadcast patterns (either operand
 * may broadcast, ranks may differ), scalar variants, and sum-to-shape (the backward of broadcasting), against
 * the reference. Bounds: element-wise ops |err| <= 1e-5 |ref| + 1e-6 (one float operation each: IEEE-exact
 * unless an implementation divides through a reciprocal); sum-to-shape |err| <= 1e-5 |ref| + 1e-5 sqrt(n)
 * with n the number of gradient elements summed into one.
 */
class BinaryParityTest {

    record Case(BinaryAlgorithm algorithm, long[] a, long[] b, long seed) {
        Shape out() {
            return BroadcastShapes.broadcast(algorithm.opName(), Shape.of(a), Shape.of(b));
        }

        @Override
        public String toString() {
            return algorithm.opName() + " a " + Arrays.toString(a) + " b " + Arrays.toString(b) + " seed " + seed;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(41);
        for (BinaryAlgorithm algorithm : BinaryAlgorithm.values()) {
            for (int i = 0; i < 8; i++) {
                long[] out = RandomShapes.shape(random, 1 + random.nextInt(4), 6000);
                long[] a = i == 0 ? out : RandomShapes.broadcastOperand(random, out);
                long[] b = i == 1 ? out : RandomShapes.broadcastOperand(random, out);
                cases.add(new Case(algorithm, a, b, random.nextLong()));
            }
        }
        return cases;
    }

    /** Operand values; divisors are kept away from zero so the comparison is about the kernel, not about inf. */
    static Tensor operand(Case c, long seed, long[] shape, boolean divisor) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor t = Tensor.uniform(random, divisor ? 0.5f : -3f, divisor ? 2f : 3f, shape);
        if (divisor) {
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextBoolean() ? v[i] : -v[i];
            }
            t.close();
            t = Tensor.of(v, shape);
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void broadcastMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("binary");
        BinaryParams params = BinaryParams.of(c.algorithm());
        try (Scope scope = Scope.open()) {
            Tensor a = operand(c, c.seed(), c.a(), false);
            Tensor b = operand(c, c.seed() + 1, c.b(), c.algorithm() == BinaryAlgorithm.DIV);
            Tensor expected = Tensor.empty(c.out());
            Tensor actual = Tensor.full(Float.NaN, c.out().dims());
            Kernels.binary(ReferenceBackend.INSTANCE, params, a, b, expected);
            long before = onednn.nativeExecutions("binary");
            Kernels.binary(onednn, params, a, b, actual);
            assertTrue(onednn.nativeExecutions("binary") > before, "oneDNN binary did not run for " + c);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, 1e-6, c + " out " + c.out());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scalarMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("binary");
        BinaryParams params = BinaryParams.of(c.algorithm());
        float scalar = (float) new SplittableRandom(c.seed()).nextDouble(0.5, 2) * (c.seed() % 2 == 0 ? 1 : -1);
        try (Scope scope = Scope.open()) {
            Tensor a = operand(c, c.seed(), c.a(), false);
            Tensor expected = Tensor.empty(c.a());
            Tensor actual = Tensor.full(Float.NaN, c.a());
            Kernels.binaryScalar(ReferenceBackend.INSTANCE, params, a, scalar, expected);
            long before = onednn.nativeExecutions("binary");
            Kernels.binaryScalar(onednn, params, a, scalar, actual);
            assertTrue(onednn.nativeExecutions("binary") > before, "oneDNN binary scalar did not run for " + c);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, 1e-6, c + " scalar " + scalar);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sumToShapeMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("reduction");
        Shape out = c.out();
        try (Scope scope = Scope.open()) {
            for (long[] target : List.of(c.a(), c.b())) {
                Tensor grad = Tensor.randn(c.seed() + 2, out.dims());
                Tensor expected = Tensor.empty(target);
                Tensor actual = Tensor.full(Float.NaN, target);
                Kernels.run(ReferenceBackend.INSTANCE, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(expected), in(grad), expected);
                long before = onednn.nativeExecutions("reduction");
                Kernels.run(onednn, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(actual), in(grad), actual);
                long summed = out.numel() / Math.max(1, Shape.of(target).numel());
                if (summed > 1) {
                    assertTrue(onednn.nativeExecutions("reduction") > before, "oneDNN reduction did not run for " + c);
                }
                Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, 1e-5 * Math.sqrt(summed),
                        "sum_to_shape " + out + " -> " + Arrays.toString(target) + " " + c);
            }
        }
    }

    /**
     * sum-to-shape is the adjoint of broadcasting: {@code <broadcast(t), g> = <t, sumToShape(g)>} with the
     * broadcast done by the reference add onto zeros; bound 1e-9 relative to sum |terms| (double sums of float products).
     */
    @ParameterizedTest
    @MethodSource("cases")
    void referenceSumToShapeIsTheAdjointOfBroadcasting(Case c) {
        Shape out = c.out();
        try (Scope scope = Scope.open()) {
            Tensor t = Tensor.randn(c.seed(), c.b());
            Tensor g = Tensor.randn(c.seed() + 1, out.dims());
            Tensor broadcast = Tensor.empty(out);
            Kernels.binary(ReferenceBackend.INSTANCE, BinaryParams.of(BinaryAlgorithm.ADD), Tensor.zeros(out.dims()), t, broadcast);
            Tensor reduced = Tensor.empty(c.b());
            Kernels.run(ReferenceBackend.INSTANCE, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(reduced), in(g), reduced);
            double left = GradCheck.dot(broadcast, g), right = GradCheck.dot(t, reduced);
            assertEquals(left, right, 1e-5 * (1 + Math.abs(left)) * Math.sqrt(out.numel()), "adjoint " + c);
        }
    }

    /** Gradients of a op b composed from forward kernels and sum-to-shape, against finite differences (step 1e-2). */
    @ParameterizedTest
    @MethodSource("smallCases")
    void composedGradientsMatchFiniteDifferences(Case c) {
        ReferenceBackend ref = ReferenceBackend.INSTANCE;
        BinaryParams params = BinaryParams.of(c.algorithm());
        Shape out = c.out();
        try (Scope scope = Scope.open()) {
            Tensor a = operand(c, c.seed(), c.a(), false);
            Tensor b = operand(c, c.seed() + 1, c.b(), true);
            Tensor weights = Tensor.randn(c.seed() + 2, out.dims());
            // dL/da = sumToShape(g * d(a op b)/da); written per op with the reference's own forward kernels.
            Tensor localA = Tensor.empty(out), localB = Tensor.empty(out);
            Tensor ones = Tensor.ones(out.dims());
            switch (c.algorithm()) {
                case ADD -> { Kernels.binary(ref, BinaryParams.of(BinaryAlgorithm.MUL), ones, weights, localA); Kernels.binary(ref, BinaryParams.of(BinaryAlgorithm.MUL), ones, weights, localB); }
                case SUB -> { Kernels.binary(ref, BinaryParams.of(BinaryAlgorithm.MUL), ones, weights, localA); Kernels.binaryScalar(ref, BinaryParams.of(BinaryAlgorithm.MUL), weights, -1f, localB); }
                case MUL -> { Kernels.binary(ref, params, weights, b, localA); Kernels.binary(ref, params, weights, a, localB); }
                case DIV -> {
                    Kernels.binary(ref, params, weights, b, localA);
                    Tensor q = Tensor.empty(out);
                    Kernels.binary(ref, params, a, b, q);                       // a / b
                    Tensor qb = Tensor.empty(out);
                    Kernels.binary(ref, params, q, b, qb);                      // a / b^2
                    Kernels.binary(ref, BinaryParams.of(BinaryAlgorithm.MUL), weights, qb, localB);
                    Kernels.binaryScalar(ref, BinaryParams.of(BinaryAlgorithm.MUL), localB, -1f, localB);
                }
                default -> { return; } // max/min are piecewise: their masks are the autograd layer's business
            }
            Tensor da = Tensor.empty(c.a()), db = Tensor.empty(c.b());
            Kernels.run(ref, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(da), in(localA), da);
            Kernels.run(ref, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(db), in(localB), db);
            GradCheck.check(x -> Functional.binary(c.algorithm(), x, b), a, weights, da, 1e-2, 2e-3, 2e-4, "d/da " + c);
            GradCheck.check(x -> Functional.binary(c.algorithm(), a, x), b, weights, db, 1e-2, 2e-3, 2e-4, "d/db " + c);
        }
    }

    static List<Case> smallCases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        for (BinaryAlgorithm algorithm : List.of(BinaryAlgorithm.ADD, BinaryAlgorithm.SUB, BinaryAlgorithm.MUL, BinaryAlgorithm.DIV)) {
            for (int i = 0; i < 2; i++) {
                long[] out = RandomShapes.shape(random, 1 + random.nextInt(3), 16);
                cases.add(new Case(algorithm, RandomShapes.broadcastOperand(random, out), out, random.nextLong()));
            }
        }
        return cases;
    }

    /** The op's output may be its first operand (in place, e.g. {@code a += b}); over the second it is rejected. */
    @Test
    void inPlaceOverTheFirstOperand() {
        try (Scope scope = Scope.open()) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("binary"))) {
                Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
                Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.SUB), a, b, a);
                assertArrayEquals(new float[] {-9, -18, -27, -6, -15, -24}, a.toFloatArray(), backend.name());
                Tensor c = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                Tensor d = Tensor.of(new float[] {2, 2, 2, 4, 4, 4}, 2, 3);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.DIV), c, d, d));
                assertTrue(e.getMessage().contains("binary: output out must not share memory with b"), e.getMessage());
                Tensor q = c.copy();
                Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.DIV), q, d, q);
                assertArrayEquals(new float[] {0.5f, 1, 1.5f, 1, 1.25f, 1.5f}, q.toFloatArray(), backend.name());
                Kernels.binaryScalar(backend, BinaryParams.of(BinaryAlgorithm.MAX), c, 3.5f, c);
                assertArrayEquals(new float[] {3.5f, 3.5f, 3.5f, 4, 5, 6}, c.toFloatArray(), backend.name());
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.add(a, Tensor.randn(2, 4)));
            assertTrue(e.getMessage().startsWith("add: shapes [2, 3] and [4] do not broadcast"), e.getMessage());
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("binary"))) {
                BinaryParams mul = BinaryParams.of(BinaryAlgorithm.MUL);
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary(backend, mul, a, Tensor.randn(3, 2), Tensor.empty(2, 3)));
                assertTrue(e.getMessage().startsWith("mul: shapes [2, 3] and [2] do not broadcast"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary(backend, mul, a, Tensor.randn(4, 3), Tensor.empty(3)));
                assertTrue(e.getMessage().contains("out shape [3]"), e.getMessage());
                Tensor big = Tensor.randn(5, 4, 2, 3);
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.binary(backend, mul, big, a,
                        big.reshape(8, 3)));
                assertTrue(e.getMessage().contains("out shape [8, 3]"), e.getMessage());
                Tensor closed = Tensor.randn(6, 2, 3);
                closed.close();
                assertThrows(IllegalStateException.class, () -> Kernels.binary(backend, mul, a, closed, Tensor.empty(2, 3)));
                assertThrows(IllegalStateException.class, () -> Kernels.binaryScalar(backend, mul, closed, 1f, Tensor.empty(2, 3)));
                e = assertThrows(IllegalArgumentException.class, () -> Kernels.run(backend, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(Tensor.empty(2)), in(Tensor.randn(7, 2, 3)), Tensor.empty(2)));
                assertTrue(e.getMessage().startsWith("sum_to_shape: target shape [2] does not broadcast to [2, 3]"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Kernels.run(backend, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(Tensor.empty(2, 3)), in(Tensor.randn(7, 3)), Tensor.empty(2, 3)));
            }
            Tensor same = Functional.sumToShape(Tensor.ones(2, 3), Shape.of(1, 3));
            assertArrayEquals(new float[] {2, 2, 2}, same.toFloatArray());
        }
    }
}
