package org.jdnn.backend;

import org.jdnn.ops.SoftmaxOps;
import org.jdnn.testing.Kernels;
import static org.jdnn.testing.Kernels.in;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Scope;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN softmax and log-softmax, forward and backward, against the reference over seeded random shapes
 * (rank 1..4, sizes 1..17) and axes (negative included), inputs uniform in [-scale, scale].
 * Bounds: forward |err| <= 1e-5 |ref| + 1e-6 (softmax values are in [0, 1]; oneDNN's exp is a vectorised
 * polynomial good to a few ulps), log-softmax 1e-5 |ref| + 1e-5; backward |err| <= 1e-5 |ref| + 1e-5 sqrt(n)
 * with n the axis length (the backward contains a float dot product over the axis).
 */
class SoftmaxParityTest {

    record Case(long[] shape, int axis, boolean log, float scale, long seed) {
        SoftmaxParams params() {
            return new SoftmaxParams(axis, log);
        }

        long axisLength() {
            return shape[axis < 0 ? shape.length + axis : axis];
        }

        @Override
        public String toString() {
            return (log ? "log_softmax" : "softmax") + " shape " + Arrays.toString(shape) + " axis " + axis
                    + " scale " + scale + " seed " + seed;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(31);
        for (int i = 0; i < 32; i++) {
            int rank = 1 + random.nextInt(4);
            long[] shape = RandomShapes.shape(random, rank, 4000);
            int axis = random.nextInt(-rank, rank);
            cases.add(new Case(shape, axis, i % 2 == 1, i % 4 < 2 ? 3f : 20f, random.nextLong()));
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("softmax");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.uniform(new SplittableRandom(c.seed()), -c.scale(), c.scale(), c.shape());
            Tensor expected = Tensor.empty(c.shape());
            Tensor actual = Tensor.full(Float.NaN, c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, SoftmaxOps.FORWARD, c.params(), in(x), expected);
            long before = onednn.nativeExecutions(c.params().opName());
            Kernels.run(onednn, SoftmaxOps.FORWARD, c.params(), in(x), actual);
            assertTrue(onednn.nativeExecutions(c.params().opName()) > before, "oneDNN softmax did not run for " + c);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, c.log() ? 1e-5 : 1e-6, "forward " + c);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("softmax");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.uniform(new SplittableRandom(c.seed()), -c.scale(), c.scale(), c.shape());
            Tensor y = Tensor.empty(c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, SoftmaxOps.FORWARD, c.params(), in(x), y);
            Tensor dy = Tensor.randn(c.seed() + 1, c.shape());
            Tensor expected = Tensor.empty(c.shape());
            Tensor actual = Tensor.full(Float.NaN, c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, SoftmaxOps.BACKWARD, c.params(), in(y, dy), expected);
            long before = onednn.nativeExecutions(c.params().opName());
            Kernels.run(onednn, SoftmaxOps.BACKWARD, c.params(), in(y, dy), actual);
            assertTrue(onednn.nativeExecutions(c.params().opName()) > before, "oneDNN softmax backward did not run for " + c);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-5, 1e-5 * Math.sqrt(c.axisLength()),
                    "backward " + c);
        }
    }

    /** Central differences (step 1e-2) of <c, softmax(x)> against the reference backward; bound 1e-3 relative + 1e-4. */
    @ParameterizedTest
    @MethodSource("smallCases")
    void referenceBackwardMatchesFiniteDifferences(Case c) {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.uniform(new SplittableRandom(c.seed()), -c.scale(), c.scale(), c.shape());
            Tensor y = Tensor.empty(c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, SoftmaxOps.FORWARD, c.params(), in(x), y);
            Tensor weights = Tensor.randn(c.seed() + 1, c.shape());
            Tensor dx = Tensor.empty(c.shape());
            Kernels.run(ReferenceBackend.INSTANCE, SoftmaxOps.BACKWARD, c.params(), in(y, weights), dx);
            GradCheck.check(input -> {
                Tensor out = Tensor.empty(input.shape());
                Kernels.run(ReferenceBackend.INSTANCE, SoftmaxOps.FORWARD, c.params(), in(input), out);
                return out;
            }, x, weights, dx, 1e-2, 1e-3, 1e-4, "finite differences " + c);
        }
    }

    static List<Case> smallCases() {
        List<Case> cases = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(32);
        for (int i = 0; i < 6; i++) {
            int rank = 1 + random.nextInt(3);
            long[] shape = RandomShapes.shape(random, rank, 24);
            cases.add(new Case(shape, random.nextInt(-rank, rank), i % 2 == 0, 2f, random.nextLong()));
        }
        return cases;
    }

    @Test
    void knownValuesAndInPlace() {
        try (Scope scope = Scope.open()) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("softmax"))) {
                Tensor x = Tensor.of(new float[] {0f, (float) Math.log(3)}, 1, 2);
                Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.softmax(-1), in(x), x); // in place
                assertEquals(0.25f, x.get(0, 0), 1e-6f, backend.name());
                assertEquals(0.75f, x.get(0, 1), 1e-6f, backend.name());
            }
            Tensor ls = Functional.logSoftmax(Tensor.of(new float[] {1000f, 1000f}, 2), 0);
            assertEquals((float) -Math.log(2), ls.get(0), 1e-5f, "log-softmax must not overflow");
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.softmax(x, 2));
            assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("axis 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Functional.logSoftmax(x, -3));
            assertThrows(IllegalArgumentException.class, () -> Functional.softmax(Tensor.scalar(1f), 0));
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("softmax"))) {
                assertThrows(IllegalArgumentException.class,
                        () -> Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.softmax(0), in(x), Tensor.empty(3, 2)));
                Tensor closed = Tensor.randn(2, 2, 3);
                closed.close();
                IllegalStateException s = assertThrows(IllegalStateException.class,
                        () -> Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.softmax(0), in(closed), Tensor.empty(2, 3)));
                assertTrue(s.getMessage().contains("closed"), s.getMessage());
            }
        }
    }
}
