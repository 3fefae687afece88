package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradientCheck;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN conv2d against the reference, forward, backward data and backward weights (with and without bias),
 * over fixed edge cases and seeded random shapes: batch 1..3, channels 1..17, groups 1 / 2 / C (depthwise,
 * channel multiplier 1 or 2), spatial 1..33, kernel 1..5, stride 1..3, padding 0..2 (also asymmetric),
 * dilation 1..2. Bound per element with N(0,1) operands: {@code |err| <= 1e-4 |ref| + 1e-5 sqrt(K)} where K
 * is the reduction length of that output (forward: C/G*KH*KW; backward data: O/G*KH*KW; backward weights
 * and bias: N*OH*OW); float32 accumulation error grows like sqrt(K) and results have magnitude ~sqrt(K).
 * The reference backward kernels are checked by finite differences and by the dot-product test.
 */
class Conv2dParityTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL_PER_SQRT_K = 1e-5;

    record Case(long n, long c, long h, long w, long o, long kh, long kw, Conv2dParams params, boolean bias, long seed) {
        Shape input() {
            return Shape.of(n, c, h, w);
        }

        Shape weight() {
            return Shape.of(o, c / params.groups(), kh, kw);
        }

        @Override
        public String toString() {
            return "N" + n + " C" + c + " " + h + "x" + w + " O" + o + " k" + kh + "x" + kw + " " + params
                    + (bias ? " bias" : "") + " seed " + seed;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 100;
        cases.add(new Case(2, 16, 8, 8, 8, 1, 1, Conv2dParams.DEFAULT, true, seed++));                  // 1x1
        cases.add(new Case(2, 8, 14, 14, 16, 3, 3, Conv2dParams.of(1, 1), true, seed++));               // "same"
        cases.add(new Case(1, 12, 9, 11, 12, 3, 3, Conv2dParams.of(2, 1, 1, 12), false, seed++));       // depthwise
        cases.add(new Case(1, 6, 7, 7, 12, 3, 3, Conv2dParams.of(1, 1, 2, 6), true, seed++));           // depthwise x2
        cases.add(new Case(3, 4, 3, 3, 5, 5, 5, Conv2dParams.of(1, 1), true, seed++));                  // kernel = padded input
        cases.add(new Case(1, 3, 10, 10, 4, 2, 2, Conv2dParams.of(3, 0), false, seed++));               // stride > kernel
        cases.add(new Case(2, 4, 9, 8, 6, 3, 2, new Conv2dParams(2, 1, 0, 2, 1, 0, 2, 1, 2), true, seed++)); // asymmetric
        cases.add(new Case(1, 1, 1, 1, 1, 1, 1, Conv2dParams.DEFAULT, true, seed++));                  // scalar
        SplittableRandom random = new SplittableRandom(20261124);
        while (cases.size() < 44) {
            Case c = randomCase(random, random.nextLong());
            if (c != null) {
                cases.add(c);
            }
        }
        return cases;
    }

    /** A random case, or null when the drawn kernel does not fit the padded input. */
    private static Case randomCase(SplittableRandom r, long seed) {
        long n = 1 + r.nextInt(3), c = 1 + r.nextInt(17);
        long groups, o;
        switch (r.nextInt(3)) {
            case 0 -> { groups = 1; o = 1 + r.nextInt(17); }
            case 1 -> { groups = c % 2 == 0 ? 2 : 1; o = groups * (1 + r.nextInt(8)); }
            default -> { groups = c; o = c * (1 + r.nextInt(2)); }
        }
        long h = 1 + r.nextInt(33), w = 1 + r.nextInt(33), kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5);
        long top = r.nextInt(3), left = r.nextInt(3);
        boolean symmetric = r.nextBoolean();
        long bottom = symmetric ? top : r.nextInt(3), right = symmetric ? left : r.nextInt(3);
        Conv2dParams p = new Conv2dParams(1 + r.nextInt(3), 1 + r.nextInt(3), top, bottom, left, right,
                1 + r.nextInt(2), 1 + r.nextInt(2), groups);
        Case c0 = new Case(n, c, h, w, o, kh, kw, p, r.nextBoolean(), seed);
        try {
            Conv2dShapes.infer(c0.input(), c0.weight(), null, p);
            return c0;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneDnnMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        Backend reference = ReferenceBackend.INSTANCE;
        Conv2dParams p = c.params();
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.input().dims());
            Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
            Tensor b = c.bias() ? Tensor.randn(c.seed() + 2, c.o()) : null;
            Conv2dShapes s = Conv2dShapes.infer(x.shape(), w.shape(), b == null ? null : b.shape(), p);
            String context = "conv2d " + c + " -> output " + s.output();

            Tensor expected = Tensor.empty(s.output());
            Tensor actual = Tensor.full(Float.NaN, s.output().dims());
            Kernels.run(reference, Conv2dOps.FORWARD, p, in(x, w, b), expected);
            runsNatively(onednn, () -> Kernels.run(onednn, Conv2dOps.FORWARD, p, in(x, w, b), actual), context);
            close(expected, actual, s.reductionLength(), context + " forward");

            Tensor dy = Tensor.randn(c.seed() + 3, s.output().dims());
            Tensor dxExpected = Tensor.empty(x.shape());
            Tensor dxActual = Tensor.full(Float.NaN, x.shape().dims());
            Kernels.run(reference, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dxExpected), in(dy, w), dxExpected);
            runsNatively(onednn, () -> Kernels.run(onednn, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dxActual), in(dy, w), dxActual), context);
            close(dxExpected, dxActual, c.o() / p.groups() * c.kh() * c.kw(), context + " backward data");

            Tensor dwExpected = Tensor.empty(w.shape());
            Tensor dwActual = Tensor.full(Float.NaN, w.shape().dims());
            Tensor dbExpected = c.bias() ? Tensor.empty(c.o()) : null;
            Tensor dbActual = c.bias() ? Tensor.full(Float.NaN, c.o()) : null;
            Kernels.run(reference, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dwExpected, dbExpected), in(x, dy), dwExpected, dbExpected);
            runsNatively(onednn, () -> Kernels.run(onednn, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dwActual, dbActual), in(x, dy), dwActual, dbActual), context);
            long k = s.batch() * s.outH() * s.outW();
            close(dwExpected, dwActual, k, context + " backward weights");
            if (c.bias()) {
                close(dbExpected, dbActual, k, context + " backward bias");
            }
        }
    }

    private static void runsNatively(OneDnnBackend onednn, Runnable kernel, String context) {
        long before = onednn.nativeExecutions("conv2d");
        kernel.run();
        assertTrue(onednn.nativeExecutions("conv2d") > before, "oneDNN conv2d did not run for " + context);
    }

    private static void close(Tensor expected, Tensor actual, long reduction, String context) {
        Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), RTOL,
                ATOL_PER_SQRT_K * Math.sqrt(reduction), context);
    }

    // ---- gradient checks of the reference ----

    static List<Case> gradientCases() {
        return List.of(
                new Case(2, 4, 5, 6, 3, 3, 2, Conv2dParams.of(1, 1), true, 1),
                new Case(1, 4, 7, 6, 6, 3, 3, new Conv2dParams(2, 1, 1, 0, 2, 1, 2, 1, 2), true, 2),
                new Case(2, 3, 5, 5, 6, 2, 3, Conv2dParams.of(3, 2, 1, 3), true, 3));
    }

    /**
     * Finite differences of {@code L = <c, conv2d(x, w, b)>} against the reference's backward kernels, every
     * element of x, w and b. L is linear in each argument, so central differences are exact up to rounding;
     * bound {@code 1e-3 (1 + |g|)} with a step of 0.05.
     */
    @ParameterizedTest
    @MethodSource("gradientCases")
    void referenceBackwardMatchesFiniteDifferences(Case c) {
        Backend ref = ReferenceBackend.INSTANCE;
        Conv2dParams p = c.params();
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.input().dims());
            Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
            Tensor b = Tensor.randn(c.seed() + 2, c.o());
            Shape out = Conv2dShapes.infer(x.shape(), w.shape(), b.shape(), p).output();
            Tensor cot = Tensor.randn(c.seed() + 3, out.dims());
            Tensor y = Tensor.empty(out);
            java.util.function.DoubleSupplier loss = () -> {
                Kernels.run(ref, Conv2dOps.FORWARD, p, in(x, w, b), y);
                return GradientCheck.dot(cot, y);
            };
            Tensor dx = Tensor.empty(x.shape());
            Tensor dw = Tensor.empty(w.shape());
            Tensor db = Tensor.empty(c.o());
            Kernels.run(ref, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dx), in(cot, w), dx);
            Kernels.run(ref, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dw, db), in(x, cot), dw, db);
            GradientCheck.finiteDifferences(x, dx, loss, 0.05, 1e-3, "conv2d d/dx " + c);
            GradientCheck.finiteDifferences(w, dw, loss, 0.05, 1e-3, "conv2d d/dw " + c);
            GradientCheck.finiteDifferences(b, db, loss, 0.05, 1e-3, "conv2d d/db " + c);
        }
    }

    /** {@code <conv(t, w), c> = <t, J_x^T c>} and {@code <conv(x, t), c> = <t, J_w^T c>} on random cases, relative 1e-5. */
    @Test
    void referenceBackwardPassesTheDotProductTest() {
        Backend ref = ReferenceBackend.INSTANCE;
        SplittableRandom random = new SplittableRandom(77);
        int checked = 0;
        while (checked < 8) {
            Case c = randomCase(random, random.nextLong());
            if (c == null) {
                continue;
            }
            checked++;
            Conv2dParams p = c.params();
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(c.seed(), c.input().dims());
                Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
                Shape out = Conv2dShapes.infer(x.shape(), w.shape(), null, p).output();
                Tensor cot = Tensor.randn(c.seed() + 2, out.dims());
                Tensor tx = Tensor.randn(c.seed() + 3, x.shape().dims());
                Tensor tw = Tensor.randn(c.seed() + 4, w.shape().dims());
                Tensor y = Tensor.empty(out);
                Tensor dx = Tensor.empty(x.shape());
                Tensor dw = Tensor.empty(w.shape());
                Kernels.run(ref, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dx), in(cot, w), dx);
                Kernels.run(ref, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dw, null), in(x, cot), dw, null);
                Kernels.run(ref, Conv2dOps.FORWARD, p, in(tx, w, null), y);
                assertDotEqual(GradientCheck.dot(y, cot), GradientCheck.dot(tx, dx), "conv2d data " + c);
                Kernels.run(ref, Conv2dOps.FORWARD, p, in(x, tw, null), y);
                assertDotEqual(GradientCheck.dot(y, cot), GradientCheck.dot(tw, dw), "conv2d weights " + c);
            }
        }
    }

    static void assertDotEqual(double forward, double adjoint, String context) {
        double scale = Math.max(1, Math.max(Math.abs(forward), Math.abs(adjoint)));
        assertTrue(Math.abs(forward - adjoint) <= 1e-5 * scale,
                context + ": <J t, c> = " + forward + " but <t, J^T c> = " + adjoint);
    }

    // ---- functional, kill switch, cache ----

    @Test
    void functionalConv2dMatchesTheReference() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 2, 3, 6, 6);
            Tensor w = Tensor.randn(2, 4, 3, 3, 3);
            Tensor b = Tensor.randn(3, 4);
            Conv2dParams p = Conv2dParams.of(2, 1);
            Tensor y = F.conv2d(x, w, b, p);
            assertEquals(Shape.of(2, 4, 3, 3), y.shape());
            Tensor expected = Tensor.empty(y.shape());
            Kernels.run(ReferenceBackend.INSTANCE, Conv2dOps.FORWARD, p, in(x, w, b), expected);
            Parity.assertClose(expected.toFloatArray(), y.toFloatArray(), RTOL, 1e-4, "Functional.conv2d");
            assertEquals(Shape.of(2, 4, 4, 4), F.conv2d(x, w, null).shape());
        }
    }

    @Test
    void killSwitchRoutesToTheReference() {
        try (OneDnnBackend killed = OneDnnBackend.create(Set.of("conv2d")); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 2, 5, 5);
            Tensor w = Tensor.randn(2, 3, 2, 3, 3);
            Tensor y = Tensor.empty(1, 3, 3, 3);
            Kernels.run(killed, Conv2dOps.FORWARD, Conv2dParams.DEFAULT, in(x, w, null), y);
            assertEquals(0, killed.nativeExecutions("conv2d"));
            Tensor expected = Tensor.empty(y.shape());
            Kernels.run(ReferenceBackend.INSTANCE, Conv2dOps.FORWARD, Conv2dParams.DEFAULT, in(x, w, null), expected);
            Parity.assertClose(expected.toFloatArray(), y.toFloatArray(), 0, 0, "kill switch");
        }
    }

    @Test
    void repeatedShapesReuseTheCachedPrimitive() {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(5, 2, 3, 9, 9);
            Tensor w = Tensor.randn(6, 4, 3, 3, 3);
            Tensor y = Tensor.empty(2, 4, 7, 7);
            Kernels.run(onednn, Conv2dOps.FORWARD, Conv2dParams.DEFAULT, in(x, w, null), y);
            int cached = onednn.cachedPrimitives();
            for (int i = 0; i < 3; i++) {
                Kernels.run(onednn, Conv2dOps.FORWARD, Conv2dParams.DEFAULT, in(x, w, null), y);
            }
            assertEquals(cached, onednn.cachedPrimitives(), "same shapes created new primitives");
        }
    }

    // ---- validation ----

    @Test
    void paramsRejectNonPositiveStrideDilationGroupsAndNegativePadding() {
        assertRejected("stride must be in [1, 1048576], got 0", () -> Conv2dParams.of(0, 0));
        assertRejected("padding must be in [0, 1048576]", () -> Conv2dParams.of(1, -1));
        assertRejected("dilation must be in [1, 1048576], got 0", () -> Conv2dParams.of(1, 0, 0, 1));
        assertRejected("groups must be in [1, 1048576], got 0", () -> Conv2dParams.of(1, 0, 1, 0));
    }

    @Test
    void shapesRejectBadOperands() {
        Conv2dParams p = Conv2dParams.DEFAULT;
        assertRejected("conv2d: input channels 3 != weight in-channels*groups 4",
                () -> Conv2dShapes.infer(Shape.of(1, 3, 8, 8), Shape.of(5, 4, 3, 3), null, p));
        assertRejected("input channels 3 not divisible by groups 2",
                () -> Conv2dShapes.infer(Shape.of(1, 3, 8, 8), Shape.of(4, 1, 3, 3), null, p.withGroups(2)));
        assertRejected("output channels 5", () -> Conv2dShapes.infer(Shape.of(1, 4, 8, 8), Shape.of(5, 2, 3, 3), null, p.withGroups(2)));
        assertRejected("dilated kernel height 5 (kernel 3, dilation 2) > padded input height 4",
                () -> Conv2dShapes.infer(Shape.of(1, 1, 4, 9), Shape.of(1, 1, 3, 3), null, p.withDilation(2)));
        assertRejected("dilated kernel width 6",
                () -> Conv2dShapes.infer(Shape.of(1, 1, 9, 4), Shape.of(1, 1, 1, 6), null, Conv2dParams.of(1, 0)));
        assertRejected("zero dimension 0", () -> Conv2dShapes.infer(Shape.of(0, 1, 4, 4), Shape.of(1, 1, 1, 1), null, p));
        assertRejected("weight [1, 1, 0, 1] has a zero dimension 2",
                () -> Conv2dShapes.infer(Shape.of(1, 1, 4, 4), Shape.of(1, 1, 0, 1), null, p));
        assertRejected("input must be rank 4", () -> Conv2dShapes.infer(Shape.of(1, 4, 4), Shape.of(1, 1, 1, 1), null, p));
        assertRejected("bias shape [3] must be [2]",
                () -> Conv2dShapes.infer(Shape.of(1, 1, 4, 4), Shape.of(2, 1, 1, 1), Shape.of(3), p));
        assertEquals(Shape.of(2, 6, 3, 4), Conv2dShapes.infer(Shape.of(2, 4, 7, 9), Shape.of(6, 2, 3, 3), null,
                new Conv2dParams(2, 2, 0, 1, 1, 0, 1, 1, 2)).output());
    }

    /** Both backends validate before computing: bad shapes and closed tensors throw, never reach native code. */
    @Test
    void backendsValidateOperands() {
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("conv2d"))) {
            try (Scope scope = Scope.open()) {
                Conv2dParams p = Conv2dParams.DEFAULT;
                Tensor x = Tensor.randn(1, 1, 2, 5, 5);
                Tensor w = Tensor.randn(2, 3, 2, 3, 3);
                Tensor y = Tensor.empty(1, 3, 3, 3);
                String name = backend.name();
                assertRejected("conv2d: out shape [1, 3, 4, 4] != expected [1, 3, 3, 3]",
                        () -> Kernels.run(backend, Conv2dOps.FORWARD, p, in(x, w, null), Tensor.empty(1, 3, 4, 4)));
                assertRejected("input channels 2 != weight in-channels*groups 3",
                        () -> Kernels.run(backend, Conv2dOps.FORWARD, p, in(x, Tensor.randn(3, 3, 3, 3, 3), null), y));
                assertRejected("conv2d backward data: gradOutput shape",
                        () -> Kernels.run(backend, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(p, Tensor.empty(x.shape())), in(Tensor.empty(1, 3, 2, 3), w), Tensor.empty(x.shape())));
                assertRejected("conv2d backward weights: gradOutput shape",
                        () -> Kernels.run(backend, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, Tensor.empty(w.shape()), null), in(x, Tensor.empty(1, 2, 3, 3)), Tensor.empty(w.shape()), null));
                assertRejected("conv2d_backward_weights: gradBias shape [2] != expected [3]",
                        () -> Kernels.run(backend, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, Tensor.empty(w.shape()), Tensor.empty(2)), in(x, y), Tensor.empty(w.shape()), Tensor.empty(2)));
                Tensor a = Tensor.randn(5, 1, 3, 3, 3);
                assertRejected("conv2d: output out must not share memory with input",
                        () -> Kernels.run(backend, Conv2dOps.FORWARD, p, in(a, Tensor.randn(6, 3, 3, 1, 1), null), a.reshape(1, 3, 3, 3)));
                assertRejected("conv2d: input is null", () -> Kernels.run(backend, Conv2dOps.FORWARD, p, in(null, w, null), y));
                Tensor closed = Tensor.randn(4, 1, 2, 5, 5);
                closed.close();
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Kernels.run(backend, Conv2dOps.FORWARD, p, in(closed, w, null), y), name);
                assertTrue(e.getMessage().contains("conv2d: input [1, 2, 5, 5] is closed"), name + ": " + e.getMessage());
            }
        }
    }

    static void assertRejected(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, fragment);
        assertTrue(e.getMessage().contains(fragment), "expected a message containing '" + fragment + "', got: " + e.getMessage());
    }
}
