package org.jdnn.autograd;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.tensor.Idx;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.GradCheck;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape and view ops against hand-computed values (PyTorch's), on the reference and on oneDNN: which ones share
 * storage (view, reshape, squeeze, unsqueeze, flatten, contiguous) and which copy (the rest), Python's slicing rules,
 * split/chunk sizes, the refusals, NaN payloads copied bit for bit, and gradients through each (exact for these
 * linear maps: a finite difference with step 1).
 */
class ShapeViewsTest {

    private static float[] range(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static Tensor arange(long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        return Tensor.of(range(n), shape);
    }

    private static void onBackend(String name, Runnable body) {
        Assumptions.assumeTrue(Backends.unavailableReason(name).isEmpty(), name + " is not available");
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Backends.with(backend, body);
        }
    }

    private static void assertValues(float[] expected, long[] shape, Tensor t) {
        assertArrayEquals(shape, t.dims(), "shape");
        assertArrayEquals(expected, t.toFloatArray());
    }

    // ---- storage sharing ----

    @Test
    void viewsShareStorageBothWays() {
        try (Scope scope = Scope.open()) {
            Tensor x = arange(1, 2, 3);
            List<Tensor> views = List.of(x.view(3, 2), x.reshape(-1), x.squeeze(), x.squeeze(0), x.unsqueeze(-1),
                    x.flatten(), x.flatten(1), x.flatten(0, 1), x.contiguous(), F.view(x, 6, 1));
            for (Tensor v : views) {
                float[] before = v.toFloatArray();
                long last = v.numel() - 1;
                v.set(100f, unflatten(v.dims(), last)); // write through the view ...
                assertEquals(100f, x.get(0, 1, 2), "a write through " + java.util.Arrays.toString(v.dims())
                        + " is seen in the base");
                x.set(-7f, 0, 0, 0); // ... and through the base
                assertEquals(-7f, v.toFloatArray()[0]);
                x.set(5f, 0, 1, 2);
                x.set(0f, 0, 0, 0);
                assertArrayEquals(before, v.toFloatArray());
            }
        }
    }

    private static long[] unflatten(long[] dims, long flat) {
        long[] index = new long[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            index[d] = flat % dims[d];
            flat /= dims[d];
        }
        return index;
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void theOtherShapeOpsCopy(String backend) {
        onBackend(backend, () -> {
            Tensor x = arange(2, 3);
            List<Tensor> copies = new java.util.ArrayList<>(List.of(x.permute(1, 0), x.transpose(0, 1), x.t(),
                    x.unsqueeze(0).expand(2, 2, 3), x.slice(1, 0, 3, 1), x.slice(0, 0, 2), x.narrow(1, 0, 3),
                    x.select(0, 1), Tensor.cat(List.of(x), 0), Tensor.stack(0, x)));
            copies.addAll(x.split(2L, 0));
            copies.addAll(x.chunk(1, 1));
            float[] base = x.toFloatArray();
            for (Tensor c : copies) {
                c.fill(42f);
                assertArrayEquals(base, x.toFloatArray(), "writing a copy changed the base");
            }
            x.set(9f, 0, 0);
            for (Tensor c : copies) {
                assertEquals(42f, c.toFloatArray()[0], "writing the base changed a copy");
            }
        });
    }

    // ---- values ----

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void permuteTransposeAndT(String backend) {
        onBackend(backend, () -> {
            Tensor m = arange(2, 3);
            assertValues(new float[] {0, 3, 1, 4, 2, 5}, new long[] {3, 2}, m.t());
            assertValues(new float[] {0, 3, 1, 4, 2, 5}, new long[] {3, 2}, m.transpose(-1, 0));
            assertValues(new float[] {0, 1, 2}, new long[] {3}, arange(3).t()); // rank 1: as it is
            assertValues(new float[] {0}, new long[] {}, arange().t());
            Tensor x = arange(2, 3, 4);
            Tensor p = x.permute(2, 0, -2); // p[k, i, j] = x[i, j, k] = 12 i + 4 j + k
            float[] expected = new float[24];
            int n = 0;
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 3; j++) {
                        expected[n++] = 12 * i + 4 * j + k;
                    }
                }
            }
            assertValues(expected, new long[] {4, 2, 3}, p);
            Tensor swapped = x.transpose(0, 2); // [4, 3, 2]: s[k, j, i] = x[i, j, k]
            assertEquals(12 * 1 + 4 * 2 + 3, swapped.get(3, 2, 1));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void expand(String backend) {
        onBackend(backend, () -> {
            Tensor col = Tensor.of(new float[] {1, 2, 3}, 3, 1);
            assertValues(new float[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, new long[] {2, 3, 2}, col.expand(2, -1, 2));
            assertValues(new float[] {7, 7, 7, 7}, new long[] {2, 2}, Tensor.scalar(7f).expand(2, 2));
            assertValues(new float[] {}, new long[] {3, 0}, col.expand(3, 0));
            Tensor row = Tensor.of(new float[] {1, 2}, 1, 2);
            assertValues(new float[] {1, 2, 1, 2, 1, 2}, new long[] {3, 2}, row.expandAs(Tensor.zeros(3, 2)));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void sliceFollowsPython(String backend) {
        onBackend(backend, () -> {
            Tensor x = arange(10);
            assertValues(new float[] {1, 4, 7}, new long[] {3}, x.slice(0, 1, 8, 3));    // x[1:8:3]
            assertValues(new float[] {7, 8, 9}, new long[] {3}, x.slice(0, -3, Long.MAX_VALUE)); // x[-3:]
            assertValues(new float[] {}, new long[] {0}, x.slice(0, 8, 2));             // x[8:2]
            assertValues(new float[] {0, 4, 8}, new long[] {3}, x.slice(-1, 0, Long.MAX_VALUE, 4)); // x[::4]
            assertValues(new float[] {0, 1}, new long[] {2}, x.slice(0, -100, 2));      // clamped
            assertValues(new float[] {8, 9}, new long[] {2}, x.slice(0, 8, 100));
            assertValues(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, new long[] {9}, x.slice(0, 0, -1)); // x[:-1]
            Tensor m = arange(3, 4);
            assertValues(new float[] {1, 3, 5, 7, 9, 11}, new long[] {3, 2}, m.slice(1, 1, 4, 2)); // m[:, 1::2]
            assertValues(new float[] {4, 5, 6, 7}, new long[] {1, 4}, m.slice(0, 1, 2));
            assertValues(new float[] {7, 8}, new long[] {2}, x.narrow(0, -3, 2));
            assertValues(new float[] {}, new long[] {0}, x.narrow(0, 10, 0));
            assertValues(new float[] {2, 6, 10}, new long[] {3, 1}, m.narrow(-1, 2, 1));
            assertValues(new float[] {3, 7, 11}, new long[] {3}, m.select(1, -1));
            assertValues(new float[] {4, 5, 6, 7}, new long[] {4}, m.select(0, 1));
            assertValues(new float[] {5}, new long[] {}, m.select(0, 1).select(0, 1));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void catStackSplitAndChunk(String backend) {
        onBackend(backend, () -> {
            Tensor a = Tensor.of(1, 2), b = Tensor.of(3, 4);
            assertValues(new float[] {1, 3, 2, 4}, new long[] {2, 2}, Tensor.stack(List.of(a, b), 1));
            assertValues(new float[] {1, 2, 3, 4}, new long[] {2, 2}, Tensor.stack(0, a, b));
            assertValues(new float[] {1, 3, 2, 4}, new long[] {2, 2}, F.stack(-1, a, b));
            assertValues(new float[] {5, 6}, new long[] {2}, F.stack(0, Tensor.scalar(5f), Tensor.scalar(6f)));
            Tensor m = arange(2, 2);
            assertValues(new float[] {0, 1, 1, 2, 3, 3}, new long[] {2, 3},
                    F.cat(List.of(m, Tensor.of(new float[] {1, 3}, 2, 1)), -1));
            assertValues(new float[] {1, 2, 3, 4}, new long[] {4}, Tensor.cat(0, a, b));

            Tensor x = arange(7);
            List<Tensor> parts = x.split(3L, 0);
            assertEquals(3, parts.size());
            assertValues(new float[] {0, 1, 2}, new long[] {3}, parts.get(0));
            assertValues(new float[] {6}, new long[] {1}, parts.get(2));
            List<Tensor> chunks = x.chunk(3, 0); // ceil(7 / 3) = 3: [3, 3, 1]
            assertEquals(3, chunks.size());
            assertValues(new float[] {3, 4, 5}, new long[] {3}, chunks.get(1));
            assertEquals(3, arange(6).chunk(4, 0).size()); // ceil(6 / 4) = 2: three parts, not four
            assertEquals(3, Tensor.zeros(0, 2).chunk(3, 0).size()); // an empty dim: chunks empty parts
            assertEquals(1, Tensor.zeros(0).split(0L, 0).size());
            List<Tensor> sized = arange(2, 3).split(new long[] {1, 0, 2}, -1);
            assertValues(new float[] {0, 3}, new long[] {2, 1}, sized.get(0));
            assertValues(new float[] {}, new long[] {2, 0}, sized.get(1));
            assertValues(new float[] {1, 2, 4, 5}, new long[] {2, 2}, sized.get(2));
        });
    }

    @Test
    void viewShapes() {
        try (Scope scope = Scope.open()) {
            Tensor x = arange(2, 3, 4);
            assertArrayEquals(new long[] {2, 12}, x.view(2, -1).dims());
            assertArrayEquals(new long[] {2, 12}, x.flatten(1).dims());
            assertArrayEquals(new long[] {6, 4}, x.flatten(0, 1).dims());
            assertArrayEquals(new long[] {2, 3, 4}, x.flatten(-1).dims());
            assertArrayEquals(new long[] {24}, x.flatten().dims());
            assertArrayEquals(new long[] {1}, Tensor.scalar(1f).flatten().dims());
            assertArrayEquals(new long[] {2, 1, 3, 4}, x.unsqueeze(1).dims());
            assertArrayEquals(new long[] {2, 3, 4, 1}, x.unsqueeze(-1).dims());
            assertArrayEquals(new long[] {1}, Tensor.scalar(1f).unsqueeze(0).dims());
            Tensor ones = Tensor.zeros(1, 3, 1, 2);
            assertArrayEquals(new long[] {3, 2}, ones.squeeze().dims());
            assertArrayEquals(new long[] {1, 3, 2}, ones.squeeze(-2).dims());
            assertArrayEquals(new long[] {1, 3, 1, 2}, ones.squeeze(1).dims()); // size 3: unchanged
            assertArrayEquals(new long[] {}, Tensor.scalar(1f).squeeze(0).dims());
            assertArrayEquals(new long[] {}, Tensor.zeros(1, 1).squeeze().dims());
            assertArrayEquals(new long[] {6, 4}, new org.jdnn.nn.Flatten(0, -2).forward(x).dims());
            assertArrayEquals(new long[] {2, 12}, new org.jdnn.nn.Flatten().forward(x).dims());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void nanPayloadsAreCopiedBitForBit(String backend) {
        onBackend(backend, () -> {
            float nan = Float.intBitsToFloat(0x7fc01234);
            float[] values = {nan, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 1, 2};
            Tensor x = Tensor.of(values, 2, 3);
            for (Tensor y : List.of(x.t().t(), x.slice(1, 0, 3, 1), x.expand(2, 2, 3).select(0, 1),
                    F.cat(0, x.narrow(0, 0, 1), x.narrow(0, 1, 1)))) {
                float[] got = y.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(got[i]), "element " + i);
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void pythonStyleIndexing(String backend) {
        onBackend(backend, () -> {
            Tensor x = arange(2, 6, 3); // x[i, j, k] = 18 i + 3 j + k
            Tensor y = x.index(Idx.all(), Idx.range(1, 5, 2), Idx.at(0)); // x[:, 1:5:2, 0]
            assertValues(new float[] {3, 9, 21, 27}, new long[] {2, 2}, y);
            assertValues(new float[] {34, 35}, new long[] {2}, x.index(Idx.at(-1), Idx.at(5), Idx.from(1))); // x[-1, 5, 1:]
            assertValues(new float[] {0, 18}, new long[] {2, 1}, x.index(Idx.all(), Idx.to(1), Idx.at(0)).squeeze(-1)
                    .unsqueeze(1));
            assertValues(new float[] {0, 2, 18, 20}, new long[] {2, 1, 2}, x.index(Idx.all(), Idx.to(1), Idx.every(2)));
            assertArrayEquals(new long[] {2, 6, 3}, x.index(Idx.all()).dims());
            assertArrayEquals(new long[] {6, 3}, x.index(Idx.at(1)).dims()); // later dims kept whole
            refused("index: 4 indices", () -> x.index(Idx.all(), Idx.all(), Idx.all(), Idx.all()));
            refused("index: step 0 must be > 0", () -> Idx.range(0, 1, 0));
            refused("select: index 2 out of range", () -> x.index(Idx.at(2)));
            gradientMatches("index", new long[] {3, 4, 2}, t -> t.index(Idx.every(2), Idx.at(-1)));
        });
    }

    // ---- refusals ----

    private static void refused(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void badArgumentsAreRefusedNamingTheOpAndTheValue(String backend) {
        onBackend(backend, () -> {
            Tensor x = arange(2, 3);
            refused("slice: step 0 must be > 0", () -> x.slice(0, 0, 2, 0));
            refused("slice: step -1", () -> x.slice(0, 0, 2, -1));
            refused("slice: axis 2 is out of range", () -> x.slice(2, 0, 1));
            refused("narrow: start 4 out of range", () -> x.narrow(1, 4, 0));
            refused("narrow: start 2 + length 2 exceeds the size 3", () -> x.narrow(1, 2, 2));
            refused("narrow: length -1 must be >= 0", () -> x.narrow(1, -1, -1));
            refused("select: index 3 out of range", () -> x.select(1, 3));
            refused("select: index -3 out of range", () -> x.select(0, -3));
            refused("select: axis 0 is out of range", () -> Tensor.scalar(1f).select(0, 0));
            refused("t: expects a tensor of rank <= 2", () -> arange(2, 2, 2).t());
            refused("transpose: axis 2", () -> x.transpose(0, 2));
            refused("permute: dim -1 is repeated", () -> x.permute(1, -1));
            refused("permute: 3 dims", () -> x.permute(0, 1, 2));
            refused("expand: size 4 at dimension 1", () -> x.expand(2, 4));
            refused("split: sizes [1, 1] add up to 2, not the size 3", () -> x.split(new long[] {1, 1}, 1));
            refused("split: negative size -1", () -> x.split(new long[] {4, -1}, 1));
            refused("split: split size 0 must be > 0", () -> x.split(0L, 1));
            refused("split: expects a tensor of rank >= 1", () -> Tensor.scalar(1f).split(1L, 0));
            refused("chunk: chunks 0 must be > 0", () -> x.chunk(0, 0));
            refused("stack: tensor 1 has shape [3, 2]", () -> Tensor.stack(0, x, arange(3, 2)));
            refused("stack: needs at least one tensor", () -> Tensor.stack(List.of(), 0));
            refused("stack: tensor 1 is null", () -> Tensor.stack(0, x, null));
            refused("stack: dim 3 is out of range", () -> Tensor.stack(3, x, x));
            refused("unsqueeze: dim -4 is out of range", () -> x.unsqueeze(-4));
            refused("squeeze: axis 2 is out of range", () -> x.squeeze(2));
            refused("flatten: start dim 1 comes after end dim 0", () -> x.flatten(1, 0));
            refused("flatten: dim 2 is out of range", () -> x.flatten(2));
            refused("reshape: bad size -1", () -> x.view(-1, -1));
            refused("reshape: shape [2, 3] (6 elements) cannot become [4]", () -> x.view(4));
            refused("concat: tensor 1 has shape [3, 2]", () -> Tensor.cat(0, x, arange(3, 2)));
        });
    }

    // ---- gradients ----

    /**
     * Backward through {@code f} at x against finite differences of {@code <c, f(x)>} with step 1: exact for these
     * linear maps (sums of copied elements).
     */
    private static void gradientMatches(String what, long[] shape, Function<Tensor, Tensor> f) {
        Tensor x = Tensor.randn(11, shape).requiresGrad(true);
        Tensor y = f.apply(x);
        Tensor c = Tensor.randn(12, y.dims());
        y.backward(c, false);
        Tensor analytic = x.grad();
        assertArrayEquals(shape, analytic.dims(), what);
        try (var ignored = Autograd.noGrad()) {
            GradCheck.check(f, x.detach(), c, analytic, 1.0, 0, 1e-5, what);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Backends.REFERENCE, Backends.ONEDNN})
    void gradientsFlowBackThroughEachOp(String backend) {
        onBackend(backend, () -> {
            gradientMatches("permute", new long[] {2, 3, 4}, x -> x.permute(2, 0, 1));
            gradientMatches("transpose", new long[] {2, 3, 4}, x -> x.transpose(-1, 0));
            gradientMatches("t", new long[] {3, 5}, Tensor::t);
            gradientMatches("expand", new long[] {3, 1}, x -> x.expand(2, 3, 4));
            gradientMatches("slice", new long[] {4, 9}, x -> x.slice(1, -8, Long.MAX_VALUE, 3));
            gradientMatches("narrow", new long[] {5, 2}, x -> x.narrow(0, 1, 3));
            gradientMatches("select", new long[] {3, 4, 2}, x -> x.select(1, -2));
            gradientMatches("view and flatten", new long[] {2, 6}, x -> x.view(3, -1).flatten().unsqueeze(0).squeeze());
            gradientMatches("contiguous", new long[] {4}, x -> x.contiguous());
            gradientMatches("stack", new long[] {2, 3}, x -> Tensor.stack(1, x, F.mul(x, 2f), x.contiguous()));
            gradientMatches("cat", new long[] {2, 3}, x -> Tensor.cat(List.of(x, x.slice(1, 0, 2), x), -1));
            gradientMatches("split", new long[] {7, 2}, x -> {
                List<Tensor> parts = x.split(3L, 0);
                return Tensor.cat(0, F.mul(parts.get(2), 3f), parts.get(0), F.mul(parts.get(1), -2f));
            });
            gradientMatches("chunk", new long[] {2, 5}, x -> {
                List<Tensor> parts = x.chunk(2, 1); // [2, 3] and [2, 2]
                return F.add(parts.get(1), F.mul(parts.get(0).slice(1, 0, 2), 0.5f));
            });
        });
    }

    @Test
    void aSecondDerivativeRunsThroughSliceBackwardAndPermute() {
        try (Scope scope = Scope.open()) {
            // The gradient of a slice is slice_backward, whose own derivative is the slice: check it by recording.
            Tensor g = Tensor.of(new float[] {1, 2}).requiresGrad(true);
            Tensor scattered = Calls.call(org.jdnn.ops.ViewOps.SLICE_BACKWARD, new org.jdnn.ops.ViewOps
                    .SliceBackwardParams(new org.jdnn.ops.ViewOps.SliceParams(0, 1, 5, 2), org.jdnn.tensor.Shape.of(5)), g);
            assertArrayEquals(new float[] {0, 1, 0, 2, 0}, scattered.toFloatArray());
            scattered.backward(Tensor.of(10, 20, 30, 40, 50), false);
            assertArrayEquals(new float[] {20, 40}, g.grad().toFloatArray());
        }
    }
}
