package org.jdnn.backend;

import org.jdnn.backend.onednn.ConvolutionLayouts;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two layout paths of the oneDNN convolutions: blocked (oneDNN chooses the layouts, the plain tensors are
 * reordered in and out) and plain (backward-data passes over images with 1..3 channels, where blocking does not
 * pay). Backward-weights passes over a one-channel image keep only that image plain (it is already NHWC) and let
 * oneDNN choose the rest, so they count as reordered.
 * Each case names which path every pass must take, asserts it through {@link ConvolutionLayouts} and holds the
 * result to the reference, with the parity suites' bound per element for N(0,1) operands:
 * {@code |err| <= 1e-4 |ref| + 1e-5 sqrt(K)}, K the reduction length of that output (forward C/G*KH*KW, backward
 * data O/G*KH*KW, backward weights the batch times the spatial size the gradient sums over). The cases use
 * channel counts (16..32, grouped, depthwise) that the random parity cases rarely reach.
 */
class ConvolutionLayoutPathTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL_PER_SQRT_K = 1e-5;

    /**
     * A conv2d (or conv_transpose2d) case with the path each pass must take: {@code blocked[0..2]} for forward,
     * backward data, backward weights. Grouped cases use 16 channels per group: with groups of, say, 8 in and 12
     * out channels (or dilated grouped backward weights) oneDNN has no blocked kernel and keeps the plain layouts
     * even when asked to choose, so those would run plain whatever the rule says.
     */
    record Case(String name, boolean transposed, long n, long c, long h, long w, long o, long k, long stride,
                long padding, long outputPadding, long dilation, long groups, boolean bias, boolean[] blocked, long seed) {
        Conv2dParams conv() {
            return Conv2dParams.of(stride, padding, dilation, groups);
        }

        ConvTranspose2dParams transposedParams() {
            return ConvTranspose2dParams.of(stride, padding, outputPadding, dilation, groups);
        }

        Shape input() {
            return Shape.of(n, c, h, w);
        }

        Shape weight() {
            return transposed ? Shape.of(c, o / groups, k, k) : Shape.of(o, c / groups, k, k);
        }

        @Override
        public String toString() {
            return name + ": " + (transposed ? "conv_transpose2d" : "conv2d") + " N" + n + " C" + c + " " + h + "x" + w
                    + " O" + o + " k" + k + " stride " + stride + " pad " + padding + " outpad " + outputPadding
                    + " dil " + dilation + " groups " + groups + (bias ? " bias" : "") + " seed " + seed;
        }
    }

    private static final boolean[] ALL_BLOCKED = {true, true, true};

    static List<Case> cases() {
        return List.of(
                new Case("LeNet conv1", false, 4, 1, 28, 28, 6, 5, 1, 0, 0, 1, 1, true, new boolean[] {true, false, true}, 1),
                new Case("LeNet conv2", false, 4, 6, 14, 14, 16, 5, 1, 0, 0, 1, 1, true, ALL_BLOCKED, 2),
                new Case("32 channels", false, 2, 32, 12, 12, 32, 3, 1, 1, 0, 1, 1, false, ALL_BLOCKED, 3),
                new Case("RGB stem", false, 2, 3, 15, 15, 16, 3, 2, 1, 0, 1, 1, true, new boolean[] {true, false, true}, 4),
                new Case("depthwise", false, 2, 32, 11, 11, 32, 3, 2, 1, 0, 1, 32, true, ALL_BLOCKED, 5),
                new Case("grouped", false, 2, 32, 13, 13, 32, 3, 1, 1, 0, 1, 2, true, ALL_BLOCKED, 6),
                new Case("decoder to RGB", true, 2, 32, 6, 6, 3, 4, 2, 1, 0, 1, 1, true, new boolean[] {false, true, true}, 7),
                new Case("decoder to 1 channel", true, 2, 8, 5, 5, 1, 3, 2, 1, 1, 1, 1, false, new boolean[] {false, true, true}, 8),
                new Case("upsampling 16->6", true, 2, 16, 7, 7, 6, 3, 2, 1, 1, 1, 1, true, ALL_BLOCKED, 9),
                new Case("grouped transposed", true, 2, 32, 6, 6, 32, 3, 1, 1, 0, 1, 2, true, ALL_BLOCKED, 10));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachPassTakesItsLayoutPathAndMatchesTheReference(Case c) {
        String op = c.transposed() ? "conv_transpose2d" : "conv2d";
        OneDnnBackend onednn = Parity.onednn(op);
        Backend ref = ReferenceBackend.INSTANCE;
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(c.seed(), c.input().dims());
            Tensor w = Tensor.randn(c.seed() + 1, c.weight().dims());
            Tensor b = c.bias() ? Tensor.randn(c.seed() + 2, c.o()) : null;
            Shape out;
            long gradSpatial;
            if (c.transposed()) {
                out = ConvTranspose2dShapes.infer(x.shape(), w.shape(), null, c.transposedParams()).output();
                gradSpatial = c.h() * c.w(); // the weight gradient sums over the (smaller) input positions
            } else {
                out = Conv2dShapes.infer(x.shape(), w.shape(), null, c.conv()).output();
                gradSpatial = out.dim(2) * out.dim(3);
                String implementation = onednn.conv2dImplementation(c.conv(), x.shape(), w.shape(), c.bias());
                assertFalse(implementation.startsWith("ref"), c + ": reference implementation " + implementation);
            }
            Tensor dy = Tensor.randn(c.seed() + 3, out.dims());

            Tensor y = Tensor.empty(out), yRef = Tensor.empty(out);
            forward(ref, c, x, w, b, yRef);
            onPath(c, 0, op, () -> forward(onednn, c, x, w, b, y));
            close(yRef, y, c.c() / c.groups() * c.k() * c.k(), c + " forward");

            Tensor dx = Tensor.full(Float.NaN, x.shape().dims()), dxRef = Tensor.empty(x.shape());
            backwardData(ref, c, dy, w, dxRef);
            onPath(c, 1, op, () -> backwardData(onednn, c, dy, w, dx));
            close(dxRef, dx, c.o() / c.groups() * c.k() * c.k(), c + " backward data");

            Tensor dw = Tensor.full(Float.NaN, w.shape().dims()), dwRef = Tensor.empty(w.shape());
            Tensor db = c.bias() ? Tensor.full(Float.NaN, c.o()) : null, dbRef = c.bias() ? Tensor.empty(c.o()) : null;
            backwardWeights(ref, c, x, dy, dwRef, dbRef);
            onPath(c, 2, op, () -> backwardWeights(onednn, c, x, dy, dw, db));
            close(dwRef, dw, c.n() * gradSpatial, c + " backward weights");
            if (c.bias()) {
                close(dbRef, db, c.n() * out.dim(2) * out.dim(3), c + " backward bias");
            }
        }
    }

    /** Runs one pass on oneDNN and asserts it ran natively, on the blocked path exactly when the case says so. */
    private static void onPath(Case c, int pass, String op, Runnable kernel) {
        OneDnnBackend onednn = OneDnnBackend.shared();
        long native0 = onednn.nativeExecutions(op);
        long reordered0 = ConvolutionLayouts.reorderedExecutions(op);
        kernel.run();
        String passName = List.of("forward", "backward data", "backward weights").get(pass);
        assertTrue(onednn.nativeExecutions(op) > native0, "oneDNN " + op + " did not run for " + c + " " + passName);
        assertEquals(c.blocked()[pass], ConvolutionLayouts.reorderedExecutions(op) > reordered0,
                c + " " + passName + ": expected the " + (c.blocked()[pass] ? "blocked" : "plain") + " layout path");
    }

    private static void forward(Backend backend, Case c, Tensor x, Tensor w, Tensor b, Tensor y) {
        if (c.transposed()) {
            Kernels.run(backend, ConvTranspose2dOps.FORWARD, c.transposedParams(), in(x, w, b), y);
        } else {
            Kernels.run(backend, Conv2dOps.FORWARD, c.conv(), in(x, w, b), y);
        }
    }

    private static void backwardData(Backend backend, Case c, Tensor dy, Tensor w, Tensor dx) {
        if (c.transposed()) {
            Kernels.run(backend, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(c.transposedParams(), dx), in(dy, w), dx);
        } else {
            Kernels.run(backend, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(c.conv(), dx), in(dy, w), dx);
        }
    }

    private static void backwardWeights(Backend backend, Case c, Tensor x, Tensor dy, Tensor dw, Tensor db) {
        if (c.transposed()) {
            Kernels.run(backend, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(c.transposedParams(), dw, db), in(x, dy), dw, db);
        } else {
            Kernels.run(backend, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(c.conv(), dw, db), in(x, dy), dw, db);
        }
    }

    private static void close(Tensor expected, Tensor actual, long reduction, String context) {
        Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), RTOL, ATOL_PER_SQRT_K * Math.sqrt(reduction),
                context);
    }
}
