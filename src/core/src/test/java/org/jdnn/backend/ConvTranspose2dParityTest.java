package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradientCheck;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.backend.Conv2dParityTest.assertDotEqual;
import static org.jdnn.backend.Conv2dParityTest.assertRejected;
import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * oneDNN conv_transpose2d (PyTorch weight layout) against the reference, forward, backward data and backward
 * weights (with and without bias), over fixed edge cases and seeded random shapes: batch 1..3, channels
 * 1..17, groups 1 / 2 / C (depthwise, multiplier 1 or 2), spatial 1..33, kernel 1..5, stride 1..3, padding
 * 0..2 (also asymmetric), dilation 1..2, output padding below stride or dilation. Bound per element with
 * N(0,1) operands: {@code |err| <= 1e-4 |ref| + 1e-5 sqrt(K)} where K is the reduction length of that output
 * (forward: C/G*KH*KW; backward data: O/G*KH*KW; backward weights and bias: N*H*W resp. N*OH*OW).
 * The reference backward kernels are checked by finite differences and by the dot-product test, and the
 * reference forward is checked to be the adjoint of the reference conv2d's input gradient.
 */
class ConvTranspose2dParityTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL_PER_SQRT_K = 1e-5;

    record Case(long n, long c, long h, long w, long o, long kh, long kw, ConvTranspose2dParams params, boolean bias,
                long seed) {
        Shape input() {
            return Shape.of(n, c, h, w);
        }

        Shape weight() {
            return Shape.of(c, o / params.conv().groups(), kh, kw);
        }

        @Override
        public String toString() {
            Conv2dParams p = params.conv();
            return "N" + n + " C" + c + " " + h + "x" + w + " O" + o + " k" + kh + "x" + kw + " stride " + p.strideH()
                    + "x" + p.strideW() + " pad " + p.padTop() + "/" + p.padBottom() + "/" + p.padLeft() + "/"
                    + p.padRight() + " dil " + p.dilationH() + "x" + p.dilationW() + " outpad " + params.outputPaddingH()
                    + "x" + params.outputPaddingW() + " groups " + p.groups() + (bias ? " bias" : "") + " seed " + seed;
        }
    }

    private static ConvTranspose2dParams params(long sh, long sw, long top, long bottom, long left, long right,
                                                long dh, long dw, long groups, long oph, long opw) {
        return new ConvTranspose2dParams(new Conv2dParams(sh, sw, top, bottom, left, right, dh, dw, groups), oph, opw);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 200;
        cases.add(new Case(2, 16, 8, 8, 8, 1, 1, ConvTranspose2dParams.DEFAULT, true, seed++));            // 1x1
        cases.add(new Case(2, 8, 7, 7, 4, 4, 4, ConvTranspose2dParams.of(2, 1), true, seed++));            // 2x upsampling
        cases.add(new Case(1, 6, 5, 6, 6, 3, 3, ConvTranspose2dParams.of(2, 1, 1, 1, 1), false, seed++));  // output padding
        cases.add(new Case(1, 6, 5, 5, 12, 3, 3, ConvTranspose2dParams.of(2, 1, 1, 1, 6), true, seed++));  // depthwise x2
        cases.add(new Case(2, 4, 6, 5, 6, 3, 2, params(1, 3, 2, 0, 1, 2, 2, 1, 2, 1, 2), true, seed++));    // outpad < dilation, asymmetric
        cases.add(new Case(1, 3, 4, 4, 2, 2, 2, ConvTranspose2dParams.of(3, 0, 2, 1, 1), false, seed++));  // stride > kernel: gaps
        cases.add(new Case(3, 2, 3, 3, 3, 5, 5, ConvTranspose2dParams.of(1, 2), true, seed++));            // padding crops
        cases.add(new Case(1, 1, 1, 1, 1, 1, 1, ConvTranspose2dParams.DEFAULT, true, seed++));             // scalar
        SplittableRandom random = new SplittableRandom(20261125);
        while (cases.size() < 40) {
            Case c = randomCase(random, random.nextLong());
            if (c != null) {
                cases.add(c);
            }
        }
        return cases;
    }

    /** A random case, or null when the drawn parameters give an empty output. */
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
        long sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
        long oph = r.nextInt((int) Math.max(sh, dh)), opw = r.nextInt((int) Math.max(sw, dw));
        ConvTranspose2dParams p = params(sh, sw, top, bottom, left, right, dh, dw, groups, oph, opw);
        Case c0 = new Case(n, c, h, w, o, kh, kw, p, r.nextBoolean(), seed);
        try {
            ConvTranspose2dShapes.infer(c0.input(), c0.weight(), null, p);
            return c0;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneDnnMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("conv_transpose2d");
        Backend reference = ReferenceBackend.INSTANCE;
        ConvTranspose2dParams p = c.params();
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.input().dims());
            Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
            Tensor b = c.bias() ? Tensor.randn(c.seed() + 2, c.o()) : null;
            ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(x.shape(), w.shape(), b == null ? null : b.shape(), p);
            String context = "conv_transpose2d " + c + " -> output " + s.output();
            long groups = p.conv().groups();

            Tensor expected = Tensor.empty(s.output());
            Tensor actual = Tensor.full(Float.NaN, s.output().dims());
            Kernels.run(reference, ConvTranspose2dOps.FORWARD, p, in(x, w, b), expected);
            runsNatively(onednn, p, () -> Kernels.run(onednn, ConvTranspose2dOps.FORWARD, p, in(x, w, b), actual), context);
            close(expected, actual, c.c() / groups * c.kh() * c.kw(), context + " forward");

            Tensor dy = Tensor.randn(c.seed() + 3, s.output().dims());
            Tensor dxExpected = Tensor.empty(x.shape());
            Tensor dxActual = Tensor.full(Float.NaN, x.shape().dims());
            Kernels.run(reference, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dxExpected), in(dy, w), dxExpected);
            runsNatively(onednn, p, () -> Kernels.run(onednn, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dxActual), in(dy, w), dxActual), context);
            close(dxExpected, dxActual, s.fanOut(), context + " backward data");

            Tensor dwExpected = Tensor.empty(w.shape());
            Tensor dwActual = Tensor.full(Float.NaN, w.shape().dims());
            Tensor dbExpected = c.bias() ? Tensor.empty(c.o()) : null;
            Tensor dbActual = c.bias() ? Tensor.full(Float.NaN, c.o()) : null;
            Kernels.run(reference, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dwExpected, dbExpected), in(x, dy), dwExpected, dbExpected);
            runsNatively(onednn, p, () -> Kernels.run(onednn, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dwActual, dbActual), in(x, dy), dwActual, dbActual), context);
            close(dwExpected, dwActual, c.n() * c.h() * c.w(), context + " backward weights");
            if (c.bias()) {
                close(dbExpected, dbActual, s.batch() * s.outH() * s.outW(), context + " backward bias");
            }
        }
    }

    /** Runs the kernel and asserts oneDNN ran it, except where it cannot (output padding >= stride + end padding). */
    private static void runsNatively(OneDnnBackend onednn, ConvTranspose2dParams p, Runnable kernel, String context) {
        long before = onednn.nativeExecutions("conv_transpose2d");
        kernel.run();
        boolean expressible = p.outputPaddingH() < p.conv().strideH() + p.conv().padBottom()
                && p.outputPaddingW() < p.conv().strideW() + p.conv().padRight();
        assertEquals(expressible, onednn.nativeExecutions("conv_transpose2d") > before,
                "oneDNN conv_transpose2d ran (or not) against expectation for " + context);
    }

    private static void close(Tensor expected, Tensor actual, long reduction, String context) {
        Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), RTOL,
                ATOL_PER_SQRT_K * Math.sqrt(reduction), context);
    }

    // ---- gradient checks of the reference ----

    static List<Case> gradientCases() {
        return List.of(
                new Case(2, 3, 4, 5, 4, 3, 2, ConvTranspose2dParams.of(1, 1), true, 1),
                new Case(1, 4, 3, 4, 6, 3, 3, params(2, 1, 1, 0, 2, 1, 2, 1, 2, 1, 0), true, 2),
                new Case(2, 3, 3, 3, 6, 2, 3, ConvTranspose2dParams.of(3, 1, 2, 1, 3), true, 3));
    }

    /**
     * Finite differences of {@code L = <c, conv_transpose2d(x, w, b)>} against the reference's backward
     * kernels, every element of x, w and b; L is linear in each argument, bound {@code 1e-3 (1 + |g|)}, step 0.05.
     */
    @ParameterizedTest
    @MethodSource("gradientCases")
    void referenceBackwardMatchesFiniteDifferences(Case c) {
        Backend ref = ReferenceBackend.INSTANCE;
        ConvTranspose2dParams p = c.params();
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.input().dims());
            Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
            Tensor b = Tensor.randn(c.seed() + 2, c.o());
            Shape out = ConvTranspose2dShapes.infer(x.shape(), w.shape(), b.shape(), p).output();
            Tensor cot = Tensor.randn(c.seed() + 3, out.dims());
            Tensor y = Tensor.empty(out);
            java.util.function.DoubleSupplier loss = () -> {
                Kernels.run(ref, ConvTranspose2dOps.FORWARD, p, in(x, w, b), y);
                return GradientCheck.dot(cot, y);
            };
            Tensor dx = Tensor.empty(x.shape());
            Tensor dw = Tensor.empty(w.shape());
            Tensor db = Tensor.empty(c.o());
            Kernels.run(ref, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dx), in(cot, w), dx);
            Kernels.run(ref, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dw, db), in(x, cot), dw, db);
            GradientCheck.finiteDifferences(x, dx, loss, 0.05, 1e-3, "conv_transpose2d d/dx " + c);
            GradientCheck.finiteDifferences(w, dw, loss, 0.05, 1e-3, "conv_transpose2d d/dw " + c);
            GradientCheck.finiteDifferences(b, db, loss, 0.05, 1e-3, "conv_transpose2d d/db " + c);
        }
    }

    /**
     * The dot-product test on random cases, relative 1e-5, plus the defining identity of the transposed
     * convolution: with the same parameters and weights, {@code <conv_transpose2d(t), c> = <t, conv2d(c)>},
     * i.e. it is the adjoint of conv2d (checked against the independently written conv2d reference).
     */
    @Test
    void referenceBackwardPassesTheDotProductTest() {
        Backend ref = ReferenceBackend.INSTANCE;
        SplittableRandom random = new SplittableRandom(78);
        int checked = 0;
        while (checked < 8) {
            Case c = randomCase(random, random.nextLong());
            if (c == null) {
                continue;
            }
            checked++;
            ConvTranspose2dParams p = c.params();
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(c.seed(), c.input().dims());
                Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
                ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(x.shape(), w.shape(), null, p);
                Tensor cot = Tensor.randn(c.seed() + 2, s.output().dims());
                Tensor tx = Tensor.randn(c.seed() + 3, x.shape().dims());
                Tensor tw = Tensor.randn(c.seed() + 4, w.shape().dims());
                Tensor y = Tensor.empty(s.output());
                Tensor dx = Tensor.empty(x.shape());
                Tensor dw = Tensor.empty(w.shape());
                Kernels.run(ref, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(p, dx), in(cot, w), dx);
                Kernels.run(ref, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, dw, null), in(x, cot), dw, null);
                Kernels.run(ref, ConvTranspose2dOps.FORWARD, p, in(tx, w, null), y);
                assertDotEqual(GradientCheck.dot(y, cot), GradientCheck.dot(tx, dx), "conv_transpose2d data " + c);
                // conv2d with the same params maps the transposed op's output shape back to its input shape;
                // PyTorch's transposed weights (C, O/G, KH, KW) are exactly conv2d's (out=C, in/G=O/G, KH, KW).
                // (Only where conv2d's floor maps back exactly: output padding >= stride adds rows it cannot see.)
                if (Conv2dShapes.infer(s.output(), w.shape(), null, p.conv()).output().equals(x.shape())) {
                    Tensor convOfCot = Tensor.empty(x.shape());
                    Kernels.run(ref, Conv2dOps.FORWARD, p.conv(), in(cot, w, null), convOfCot);
                    assertDotEqual(GradientCheck.dot(y, cot), GradientCheck.dot(tx, convOfCot), "adjoint of conv2d " + c);
                }
                Kernels.run(ref, ConvTranspose2dOps.FORWARD, p, in(x, tw, null), y);
                assertDotEqual(GradientCheck.dot(y, cot), GradientCheck.dot(tw, dw), "conv_transpose2d weights " + c);
            }
        }
    }

    // ---- functional ----

    @Test
    void functionalConvTranspose2dMatchesTheReference() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 2, 3, 4, 5);
            Tensor w = Tensor.randn(2, 3, 2, 3, 3);
            Tensor b = Tensor.randn(3, 2);
            ConvTranspose2dParams p = ConvTranspose2dParams.of(2, 1, 1, 1, 1);
            Tensor y = F.convTranspose2d(x, w, b, p);
            assertEquals(Shape.of(2, 2, 8, 10), y.shape());
            Tensor expected = Tensor.empty(y.shape());
            Kernels.run(ReferenceBackend.INSTANCE, ConvTranspose2dOps.FORWARD, p, in(x, w, b), expected);
            Parity.assertClose(expected.toFloatArray(), y.toFloatArray(), RTOL, 1e-4, "Functional.convTranspose2d");
        }
    }

    // ---- validation ----

    @Test
    void paramsAndShapesRejectBadArguments() {
        assertRejected("output padding H 2 must be smaller than stride 2 or dilation 1",
                () -> ConvTranspose2dParams.of(2, 0, 2, 1, 1));
        assertRejected("output padding W must be >= 0",
                () -> new ConvTranspose2dParams(Conv2dParams.DEFAULT, 0, -1));
        assertRejected("stride must be in [1, ", () -> ConvTranspose2dParams.of(0, 0));
        ConvTranspose2dParams p = ConvTranspose2dParams.DEFAULT;
        assertRejected("conv_transpose2d: input channels 3 != weight in-channels 4",
                () -> ConvTranspose2dShapes.infer(Shape.of(1, 3, 5, 5), Shape.of(4, 2, 3, 3), null, p));
        assertRejected("input channels 3 not divisible by groups 2",
                () -> ConvTranspose2dShapes.infer(Shape.of(1, 3, 5, 5), Shape.of(3, 2, 3, 3), null,
                        ConvTranspose2dParams.of(1, 0, 0, 1, 2)));
        assertRejected("output height 0 < 1",
                () -> ConvTranspose2dShapes.infer(Shape.of(1, 1, 1, 5), Shape.of(1, 1, 2, 2), null, ConvTranspose2dParams.of(1, 1)));
        assertRejected("bias shape [2] must be [6]",
                () -> ConvTranspose2dShapes.infer(Shape.of(1, 4, 5, 5), Shape.of(4, 3, 3, 3), Shape.of(2),
                        ConvTranspose2dParams.of(1, 0, 0, 1, 2)));
        assertRejected("has a zero dimension", () -> ConvTranspose2dShapes.infer(Shape.of(1, 1, 0, 5), Shape.of(1, 1, 2, 2), null, p));
        assertEquals(Shape.of(2, 6, 13, 8), ConvTranspose2dShapes.infer(Shape.of(2, 4, 5, 4), Shape.of(4, 3, 3, 2), null,
                params(2, 2, 0, 1, 1, 0, 2, 1, 2, 1, 1)).output());
    }

    @Test
    void backendsValidateOperands() {
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("conv_transpose2d"))) {
            try (Scope scope = Scope.open()) {
                ConvTranspose2dParams p = ConvTranspose2dParams.of(2, 0);
                Tensor x = Tensor.randn(1, 1, 2, 3, 3);
                Tensor w = Tensor.randn(2, 2, 4, 2, 2);
                assertRejected("conv_transpose2d: out shape [1, 4, 7, 7] != expected [1, 4, 6, 6]",
                        () -> Kernels.run(backend, ConvTranspose2dOps.FORWARD, p, in(x, w, null), Tensor.empty(1, 4, 7, 7)));
                assertRejected("conv_transpose2d backward data: gradOutput shape",
                        () -> Kernels.run(backend, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(p, Tensor.empty(x.shape())), in(Tensor.empty(1, 4, 5, 6), w), Tensor.empty(x.shape())));
                assertRejected("conv_transpose2d backward weights: gradOutput shape",
                        () -> Kernels.run(backend, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(p, Tensor.empty(w.shape()), null), in(x, Tensor.empty(1, 3, 6, 6)), Tensor.empty(w.shape()), null));
                assertRejected("bias shape [3] must be [4]",
                        () -> Kernels.run(backend, ConvTranspose2dOps.FORWARD, p, in(x, w, Tensor.empty(3)), Tensor.empty(1, 4, 6, 6)));
            }
        }
    }
}
